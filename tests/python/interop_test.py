#!/usr/bin/env python3
"""Interop with the real Hugging Face `transformers` and TensorBoard, run by ctest as
python_interop_test in the project's virtual environment (scripts/setup makes .venv/ with the
pinned packages of tests/python/requirements.txt; Debian's python3-torch comes in through
--system-site-packages):

    .venv/bin/python tests/python/interop_test.py --adamix build/apps/adamix

What it checks:
  - the model goldens of tests/fixtures/models (made by a transcription of transformers'
    forward code): transformers itself loads each folder (AutoModel / AutoModelForCausalLM)
    and reproduces the committed outputs within 1e-4;
  - folders `adamix make-model` writes load with transformers, whose outputs match
    `adamix forward` within 1e-4 (BERT, RoBERTa, GPT-2 with logits); so do the folders
    `adamix pretrain` writes (AutoModelForMaskedLM / AutoModelForCausalLM), whose tokenizer
    files AutoTokenizer loads to the same ids as `adamix tokenize`;
  - `adamix tokenize` gives the ids of transformers' tokenizers (the slow ones, which ours
    follow) line by line, pairs included, on the texts of the tokenizer goldens, the
    special-token texts and the tokenizer training corpus (212 lines), for BERT uncased,
    GPT-2 and RoBERTa;
  - `adamix export --format peft` folders of LoRA and merged AdaMix-LoRA trials (BERT, RoBERTa,
    GPT-2's fused c_attn) load with peft.PeftModel.from_pretrained on the transformers model to
    the logits of `adamix forward --checkpoint` (merged) within 1e-4;
  - adapters peft itself makes (random LoRA A and B, a saved head; BERT, RoBERTa, GPT-2's
    c_attn) give PeftModel's logits under `adamix forward --adapter` within 1e-4, and our
    exports read back with --adapter to the trial's own logits;
  - `adamix export --format adapterhub` folders of adapter trials (BERT both placements,
    RoBERTa after the FFN, GPT-2 after attention) load with AdapterHub's adapters 1.0.1 to
    the hidden states of `adamix forward --checkpoint` within 1e-4;
  - TensorBoard's own reader (EventMultiplexer) finds each trial of a sweep as a run named by
    trial id and tags, with every metrics.jsonl value at its step, and after a trial killed
    mid-way and resumed, every step exactly once.
Exit code 77 (ctest: skipped) when the packages are missing.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

try:
    import numpy as np
    import torch
    import transformers
    import peft
    from safetensors.numpy import load_file
    from tensorboard.backend.event_processing import event_multiplexer
except ImportError as e:  # no venv: skip, do not fail
    print(f"python_interop_test: skipped ({e}); scripts/setup makes the virtual environment")
    sys.exit(77)

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "fixtures")
ADAMIX = None  # set by main()
TOLERANCE = 1e-4


def adamix(*args, stdin=None, env=None, check=True):
    r = subprocess.run([ADAMIX, *args], input=stdin, capture_output=True, text=True,
                       env={**os.environ, **(env or {})})
    if check and r.returncode != 0:
        raise AssertionError(f"adamix {' '.join(args)} failed ({r.returncode}): {r.stderr}")
    return r


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def max_diff(a, b):
    return float(np.max(np.abs(np.asarray(a, dtype=np.float64) - np.asarray(b, np.float64))))


# Three id sequences of different lengths, valid in a vocabulary of 300 and 40 positions.
ID_ROWS = [[5, 17, 42, 8, 99, 3, 11], [7, 7, 120, 64], [150, 2, 33, 81, 9, 270]]


def write_ids(path, rows):
    """An --input-ids file: one line of space-separated ids per row."""
    with open(path, "w") as f:
        f.write("".join(" ".join(map(str, ids)) + "\n" for ids in rows))
    return path


def make_model(out, arch, vocab_size, max_positions=40, seed=3):
    """`adamix make-model`: a tiny random model (hidden 32, 2 layers, 2 heads) in `out`."""
    adamix("make-model", "--arch", arch, "--hidden", "32", "--layers", "2", "--heads", "2",
           "--intermediate", "64", "--max-positions", str(max_positions), "--vocab-size",
           str(vocab_size), "--init-range", "0.2", "--seed", str(seed), "--out", out)
    return out


def model_with_task(work, arch):
    """A tiny `make_model` in work/model-ARCH (vocabulary 1000) and a make-task folder of 64
    training examples over its words beside it (model-ARCH-task); made once per work folder."""
    model_dir = os.path.join(work, "model-" + arch)
    if not os.path.exists(model_dir):
        make_model(model_dir, arch, vocab_size=1000)
        adamix("make-task", "--model", model_dir, "--kind", "single", "--size", "64",
               "--dev-size", "16", "--out", model_dir + "-task")
    return model_dir


def train_export_forward(work, name, model_dir, method, export_format, ids_file):
    """Trains a two-epoch trial of `method` (a YAML flow mapping) on model_dir's task, exports
    its best checkpoint in `export_format` to work/NAME-FORMAT and runs `adamix forward
    --checkpoint` (merged) over ids_file. Returns the export folder and the forward outputs."""
    config = os.path.join(work, name + ".yaml")
    with open(config, "w") as f:
        f.write(f"model: {model_dir}\n"
                f"task: {{dir: {model_dir}-task, max_length: 16}}\n"
                f"method: {method}\n"
                # a large lr so that the PEFT weights move well away from their start
                "train: {epochs: 2, batch_size: 16, lr: 5.0e-2}\n")
    trial = os.path.join(work, name)
    adamix("train", "--config", config, "--out", trial, "--threads", "1")
    out = os.path.join(work, f"{name}-{export_format}")
    adamix("export", "--checkpoint", os.path.join(trial, "best.h5"), "--format", export_format,
           "--out", out)
    result = os.path.join(work, name + ".safetensors")
    adamix("forward", "--model", model_dir, "--checkpoint", os.path.join(trial, "best.h5"),
           "--input-ids", ids_file, "--out", result)
    return out, load_file(result)


class TestCase(unittest.TestCase):
    def assert_rows_match(self, model, rows, hidden, logits=None):
        """transformers' `model` on each row alone gives our hidden states (and logits) within
        TOLERANCE; ours are right-padded [N, T, ...], compared on each row's own positions."""
        for row, ids in enumerate(rows):
            with torch.no_grad():
                out = model(torch.tensor([ids]), output_hidden_states=True)
            n = len(ids)
            self.assertLessEqual(max_diff(out.hidden_states[-1][0], hidden[row, :n]), TOLERANCE)
            if logits is not None:
                self.assertLessEqual(max_diff(out.logits[0], logits[row, :n]), TOLERANCE)


class ModelGoldens(unittest.TestCase):
    def test_transformers_reproduces_the_committed_outputs(self):
        for name in ("bert_gelu", "roberta_relu", "gpt2_gelu_new", "gpt2_buffers"):
            with self.subTest(name):
                folder = os.path.join(FIXTURES, "models", name)
                expected = load_file(os.path.join(folder, "expected.safetensors"))
                ids = torch.from_numpy(expected["input_ids"])
                mask = torch.from_numpy(expected["attention_mask"])
                kwargs = {"attention_mask": mask}
                if "token_type_ids" in expected:
                    kwargs["token_type_ids"] = torch.from_numpy(expected["token_type_ids"])
                gpt2 = name.startswith("gpt2")
                cls = transformers.AutoModelForCausalLM if gpt2 else transformers.AutoModel
                model = cls.from_pretrained(folder, torch_dtype=torch.float32).eval()
                with torch.no_grad():
                    out = model(ids, output_hidden_states=gpt2, **kwargs)
                hidden = out.hidden_states[-1] if gpt2 else out.last_hidden_state
                valid = mask.bool().numpy()
                self.assertLessEqual(
                    max_diff(hidden.numpy()[valid], expected["last_hidden_state"][valid]),
                    TOLERANCE)
                if gpt2:
                    self.assertLessEqual(
                        max_diff(out.logits.numpy()[valid], expected["logits"][valid]), TOLERANCE)
                if "pooled" in expected:
                    self.assertLessEqual(max_diff(out.pooler_output, expected["pooled"]), TOLERANCE)


class MadeModelsLoadInTransformers(TestCase):
    def test_forward_matches(self):
        work = tempfile.mkdtemp(prefix="adamix_interop_")
        try:
            ids_file = write_ids(os.path.join(work, "ids.txt"), ID_ROWS)
            for arch in ("bert", "roberta", "gpt2"):
                with self.subTest(arch):
                    model_dir = make_model(os.path.join(work, arch), arch, vocab_size=300)
                    out = os.path.join(work, arch + ".safetensors")
                    adamix("forward", "--model", model_dir, "--input-ids", ids_file, "--out", out)
                    ours = load_file(out)
                    cls = (transformers.AutoModelForCausalLM if arch == "gpt2"
                           else transformers.AutoModel)
                    model = cls.from_pretrained(model_dir).eval()
                    self.assert_rows_match(model, ID_ROWS, ours["last_hidden_state"],
                                           ours.get("logits"))
        finally:
            shutil.rmtree(work, ignore_errors=True)


class PretrainedFoldersLoadInTransformers(TestCase):
    """`adamix pretrain` folders (model and tokenizer files) as transformers loads them."""

    def test_model_and_tokenizer(self):
        work = tempfile.mkdtemp(prefix="adamix_pretrain_")
        try:
            adamix("make-task", "--kind", "corpus", "--tokens", "6000", "--vocabulary", "300",
                   "--seed", "3", "--out", os.path.join(work, "lang"))
            corpus = os.path.join(work, "lang", "corpus.txt")
            with open(corpus, encoding="utf-8") as f:
                lines = [line for line in f.read().split("\n") if line][:8]
            for arch, kind in (("bert", "wordpiece"), ("roberta", "roberta"), ("gpt2", "gpt2")):
                with self.subTest(arch):
                    tok = os.path.join(work, "tok-" + arch)
                    adamix("make-tokenizer", "--tokenizer", kind, "--corpus", corpus,
                           "--vocab-size", "400", "--out", tok)
                    config = os.path.join(work, arch + ".yaml")
                    with open(config, "w") as f:
                        f.write(f"init: {{arch: {arch}, hidden: 32, layers: 2, heads: 4, "
                                f"intermediate: 64, max_positions: 64}}\ntokenizer: {tok}\n"
                                f"corpus: {corpus}\nblock_size: 32\ntrain: {{epochs: 1, "
                                "batch_size: 4, lr: 1.0e-3, max_steps: 4, eval_every: 4}\n")
                    model_dir = os.path.join(work, "model-" + arch)
                    adamix("pretrain", "--config", config, "--out", model_dir, "--threads", "1")
                    ids_text = adamix("tokenize", "--model", model_dir,
                                      stdin="\n".join(lines) + "\n").stdout
                    ours = [[int(x) for x in l.split()] for l in ids_text.split("\n")[:8]]
                    hf_tok = transformers.AutoTokenizer.from_pretrained(model_dir)
                    self.assertEqual([hf_tok(line)["input_ids"] for line in lines], ours)
                    ours = [ids[:48] for ids in ours]  # within the 64 positions
                    ids_file = write_ids(os.path.join(work, arch + ".ids"), ours)
                    out = os.path.join(work, arch + ".safetensors")
                    adamix("forward", "--model", model_dir, "--input-ids", ids_file, "--out", out)
                    cls = (transformers.AutoModelForCausalLM if arch == "gpt2"
                           else transformers.AutoModelForMaskedLM)
                    model = cls.from_pretrained(model_dir).eval()
                    self.assert_rows_match(model, ours, load_file(out)["last_hidden_state"])
        finally:
            shutil.rmtree(work, ignore_errors=True)


class PeftAdaptersLoad(unittest.TestCase):
    """`adamix export --format peft` folders as peft.PeftModel.from_pretrained loads them."""

    def test_lora_and_merged_adamix_lora(self):
        work = tempfile.mkdtemp(prefix="adamix_peft_")
        try:
            ids_file = write_ids(os.path.join(work, "ids.txt"), ID_ROWS)
            cases = [("bert", 1), ("bert", 2), ("roberta", 2), ("gpt2", 2)]
            for arch, experts in cases:
                with self.subTest(arch=arch, experts=experts):
                    model_dir = model_with_task(work, arch)
                    name = f"{arch}-{experts}"
                    out, outputs = train_export_forward(
                        work, name, model_dir,
                        f"{{module: lora, size: 4, alpha: 8, experts: {experts}}}", "peft",
                        ids_file)
                    ours = outputs["logits"]
                    base = transformers.AutoModelForSequenceClassification.from_pretrained(
                        model_dir, num_labels=2)
                    model = peft.PeftModel.from_pretrained(base, out).eval()
                    for row, ids in enumerate(ID_ROWS):
                        with torch.no_grad():
                            theirs = model(input_ids=torch.tensor([ids])).logits[0]
                        self.assertLessEqual(max_diff(theirs, ours[row]), TOLERANCE)
                    # ... and `adamix forward --adapter` reads the folder back to the same logits.
                    back = os.path.join(work, name + "-back.safetensors")
                    adamix("forward", "--model", model_dir, "--adapter", out, "--input-ids",
                           ids_file, "--out", back)
                    self.assertLessEqual(max_diff(load_file(back)["logits"], ours), 1e-5)
                    # The LoRA is not a no-op: training moved B away from its zeros.
                    b = load_file(os.path.join(out, "adapter_model.safetensors"))
                    self.assertGreater(max(np.abs(v).max() for k, v in b.items()
                                           if "lora_B" in k), 1e-3)
        finally:
            shutil.rmtree(work, ignore_errors=True)


class PeftAdaptersImport(TestCase):
    """Adapters peft itself makes (get_peft_model, random A and B, a saved head) evaluated by
    `adamix forward --adapter` to PeftModel's logits: BERT's query/value/key LoRAs, RoBERTa,
    and GPT-2's fused c_attn (fan_in_fan_out) split into its q, k, v thirds."""

    def test_peft_made_adapters(self):
        work = tempfile.mkdtemp(prefix="adamix_peft_import_")
        try:
            ids_file = write_ids(os.path.join(work, "ids.txt"), ID_ROWS)
            cases = [("bert", ["query", "value"]), ("bert", ["key"]), ("roberta", ["query", "value"]),
                     ("gpt2", ["c_attn"])]
            for n, (arch, targets) in enumerate(cases):
                with self.subTest(arch=arch, targets=targets):
                    model_dir = make_model(os.path.join(work, f"model-{n}"), arch, vocab_size=300)
                    torch.manual_seed(n)
                    base = transformers.AutoModelForSequenceClassification.from_pretrained(
                        model_dir, num_labels=3)
                    head = "score" if arch == "gpt2" else "classifier"
                    config = peft.LoraConfig(
                        task_type="SEQ_CLS", r=4, lora_alpha=12, target_modules=targets,
                        fan_in_fan_out=arch == "gpt2", init_lora_weights=False,
                        modules_to_save=[head])
                    model = peft.get_peft_model(base, config)
                    with torch.no_grad():  # a head that is not the random default either
                        for p in getattr(model.base_model.model, head).parameters():
                            p.add_(0.1 * torch.randn_like(p))
                    model.eval()
                    out = os.path.join(work, f"adapter-{n}")
                    model.save_pretrained(out)
                    result = os.path.join(work, f"adapter-{n}.safetensors")
                    adamix("forward", "--model", model_dir, "--adapter", out, "--input-ids",
                           ids_file, "--out", result)
                    ours = load_file(result)["logits"]
                    loaded = peft.PeftModel.from_pretrained(
                        transformers.AutoModelForSequenceClassification.from_pretrained(
                            model_dir, num_labels=3), out).eval()
                    plain = transformers.AutoModelForSequenceClassification.from_pretrained(
                        model_dir, num_labels=3).eval()
                    for row, ids in enumerate(ID_ROWS):
                        with torch.no_grad():
                            theirs = loaded(input_ids=torch.tensor([ids])).logits[0]
                            mine = model(input_ids=torch.tensor([ids])).logits[0]
                        self.assertLessEqual(max_diff(theirs, mine), 1e-6)  # saved = made
                        self.assertLessEqual(max_diff(theirs, ours[row]), TOLERANCE)
                        # Not vacuous: the LoRA and head change the logits.
                        with torch.no_grad():
                            self.assertGreater(max_diff(plain(input_ids=torch.tensor([ids]))
                                                        .logits[0], ours[row]), 1e-3)
        finally:
            shutil.rmtree(work, ignore_errors=True)


class AdapterHubExportsLoad(TestCase):
    """`adamix export --format adapterhub` folders of adapter trials load with the adapters
    library (adapters.init + load_adapter) on the transformers base model to the hidden states
    of `adamix forward --checkpoint` (merged) within 1e-4."""

    def test_bottleneck_adapters(self):
        try:
            import adapters
        except ImportError as e:
            self.skipTest(f"adapters is not installed ({e})")
        work = tempfile.mkdtemp(prefix="adamix_adapterhub_")
        try:
            ids_file = write_ids(os.path.join(work, "ids.txt"), ID_ROWS)
            cases = [("bert", "both", 2), ("roberta", "ffn", 1), ("gpt2", "attn", 2)]
            for arch, placement, experts in cases:
                with self.subTest(arch=arch, placement=placement, experts=experts):
                    model_dir = model_with_task(work, arch)
                    out, outputs = train_export_forward(
                        work, arch, model_dir,
                        f"{{module: adapter, size: 8, placement: {placement}, "
                        f"experts: {experts}}}", "adapterhub", ids_file)
                    ours = outputs["last_hidden_state"]
                    model = transformers.AutoModel.from_pretrained(model_dir).eval()
                    adapters.init(model)
                    name = model.load_adapter(out, set_active=True, use_safetensors=True)
                    self.assertEqual(name, "adamix")
                    plain = transformers.AutoModel.from_pretrained(model_dir).eval()
                    for row, ids in enumerate(ID_ROWS):
                        with torch.no_grad():
                            theirs = model(input_ids=torch.tensor([ids])).last_hidden_state[0]
                            without = plain(input_ids=torch.tensor([ids])).last_hidden_state[0]
                        self.assertLessEqual(max_diff(theirs, ours[row][:len(ids)]), TOLERANCE)
                        self.assertGreater(max_diff(without, ours[row][:len(ids)]), 1e-3)
        finally:
            shutil.rmtree(work, ignore_errors=True)


def roberta_from_gpt2(work):
    """GPT-2's vocabulary in RoBERTa's layout, as tests/core/tokenizers' helper builds it."""
    d = os.path.join(work, "roberta")
    os.makedirs(d)
    gpt = read_json(os.path.join(FIXTURES, "vocab", "gpt2", "vocab.json"))
    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
    vocab.update({token: i + 4 for token, i in gpt.items()})
    vocab["<mask>"] = len(vocab)
    with open(os.path.join(d, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(vocab, f, ensure_ascii=False)
    shutil.copy(os.path.join(FIXTURES, "vocab", "gpt2", "merges.txt"), d)
    with open(os.path.join(d, "config.json"), "w") as f:
        f.write('{"model_type": "roberta"}')
    return d


class TokenizersMatchTransformers(unittest.TestCase):
    def test_every_corpus_line(self):
        goldens = read_json(os.path.join(FIXTURES, "tokenizers", "goldens.json"))
        special = read_json(os.path.join(FIXTURES, "tokenizers", "special_goldens.json"))
        pieces = set()  # (text, pair or None) usable as one line of `adamix tokenize`
        for spec in goldens["tokenizers"].values():
            for c in spec["cases"]:
                if "error" not in c:
                    pieces.add((c["text"], c.get("pair")))
        for cases in special["tokenizers"].values():
            pieces.update((c["text"], None) for c in cases)
        with open(os.path.join(FIXTURES, "tokenizers", "training_corpus.txt"),
                  encoding="utf-8") as f:
            corpus = f.read().split("\n")
        pieces.update((line, None) for line in corpus[:150] if line)
        pieces.update((a, b) for a, b in zip(corpus[150::2], corpus[151::2]) if a and b)
        one_line = lambda s: s is None or not any(ch in s for ch in "\t\n\r\x0b\x0c\x1c\x1d\x1e"
                                                  "\x85\u2028\u2029")
        pieces = sorted((p for p in pieces if one_line(p[0]) and one_line(p[1])),
                        key=lambda p: (p[0], p[1] or ""))
        self.assertGreaterEqual(len(pieces), 290)
        work = tempfile.mkdtemp(prefix="adamix_tok_")
        try:
            vocab = os.path.join(FIXTURES, "vocab")
            gpt2_dir = os.path.join(vocab, "gpt2")
            rob_dir = roberta_from_gpt2(work)
            tokenizers = {
                "bert-base-uncased": (os.path.join(vocab, "bert-base-uncased"),
                                      transformers.BertTokenizer(
                                          os.path.join(vocab, "bert-base-uncased", "vocab.txt"))),
                "gpt2": (gpt2_dir, transformers.GPT2Tokenizer(
                    os.path.join(gpt2_dir, "vocab.json"), os.path.join(gpt2_dir, "merges.txt"))),
                "roberta": (rob_dir, transformers.RobertaTokenizer(
                    os.path.join(rob_dir, "vocab.json"), os.path.join(rob_dir, "merges.txt"))),
            }
            for name, (model_dir, hf) in tokenizers.items():
                with self.subTest(name):
                    text = "".join(a + ("\t" + b if b is not None else "") + "\n"
                                   for a, b in pieces)
                    ours = adamix("tokenize", "--model", model_dir, stdin=text).stdout
                    ours = ours.split("\n")[: len(pieces)]
                    wrong = []
                    for (a, b), line in zip(pieces, ours):
                        expected = hf(a, b)["input_ids"] if b is not None else hf(a)["input_ids"]
                        got = [int(x) for x in line.split()]
                        if got != expected:
                            wrong.append((a, b, expected, got))
                    self.assertEqual(wrong[:5], [], f"{len(wrong)} of {len(pieces)} lines differ")
        finally:
            shutil.rmtree(work, ignore_errors=True)


def scalars_of(logdir):
    m = event_multiplexer.EventMultiplexer()
    m.AddRunsFromDirectory(logdir)
    m.Reload()
    return {run: {tag: [(e.step, e.value) for e in m.Scalars(run, tag)]
                  for tag in m.Runs()[run]["scalars"]}
            for run in m.Runs()}


def metrics_rows(path):
    by_tag = {}
    with open(path) as f:
        lines = f.readlines()
    for line in lines:
        row = json.loads(line)
        for tag, value in row["metrics"].items():
            if isinstance(value, (int, float)):
                by_tag.setdefault(tag, []).append((row["step"], value))
    return by_tag


class TensorBoardReadsTrials(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="adamix_tb_")
        make_model(os.path.join(self.work, "model"), "bert", vocab_size=200, max_positions=32,
                   seed=5)
        adamix("make-task", "--model", os.path.join(self.work, "model"), "--kind", "single",
               "--size", "64", "--dev-size", "32", "--out", os.path.join(self.work, "task"))
        self.base = (f"  model: {self.work}/model\n"
                     f"  task: {{name: synthetic, dir: {self.work}/task, max_length: 16}}\n"
                     "  method: {module: adapter, size: 4}\n"
                     "  train: {epochs: 3, batch_size: 16, lr: 1.0e-3, checkpoint_every: 4}\n")

    def tearDown(self):
        shutil.rmtree(self.work, ignore_errors=True)

    def assert_same(self, tensorboard, rows):
        self.assertEqual(sorted(tensorboard), sorted(rows))
        for tag, points in rows.items():
            expected = [(s, float(np.float32(v))) for s, v in points]
            self.assertEqual(tensorboard[tag], expected, tag)

    def test_sweep_trials_are_runs_named_by_id_and_tags(self):
        spec = os.path.join(self.work, "s.yaml")
        with open(spec, "w") as f:
            f.write("name: tb\nbase:\n" + self.base +
                    "axes: {method.experts: [1, 2]}\nseeds: [1]\n")
        run = os.path.join(self.work, "run")
        adamix("sweep", spec, "--out", run, "--workers", "1", "--threads", "1")
        found = scalars_of(run)
        trials = sorted(os.listdir(os.path.join(run, "trials")))
        self.assertEqual(len(found), 2)
        for trial in trials:
            folder = os.path.join(run, "trials", trial, "tensorboard")
            (label,) = os.listdir(folder)
            self.assertIn(label, ("method.experts=1", "method.experts=2"))
            self.assert_same(found[f"trials/{trial}/tensorboard/{label}"],
                             metrics_rows(os.path.join(run, "trials", trial, "metrics.jsonl")))
        with_experts = found[[r for r in found if r.endswith("experts=2")][0]]
        self.assertIn("expert/picks_down_0", with_experts)

    def test_a_resumed_trial_shows_every_step_once(self):
        config = os.path.join(self.work, "trial.yaml")
        with open(config, "w") as f:
            f.write("".join(line[2:] + "\n" for line in self.base.splitlines()))
        out = os.path.join(self.work, "trial")
        killed = adamix("train", "--config", config, "--out", out, check=False,
                        env={"ADAMIX_INJECT_FAULT": "kind=kill,step=7"})
        self.assertNotEqual(killed.returncode, 0)
        adamix("train", "--config", config, "--out", out)  # resumes from step 4
        self.assertEqual(len(os.listdir(os.path.join(out, "tensorboard", "trial"))), 2)
        found = scalars_of(out)
        self.assert_same(found["tensorboard/trial"],
                         metrics_rows(os.path.join(out, "metrics.jsonl")))


def main():
    global ADAMIX
    ap = argparse.ArgumentParser()
    ap.add_argument("--adamix", required=True)
    args, rest = ap.parse_known_args()
    ADAMIX = os.path.abspath(args.adamix)
    torch.set_num_threads(1)
    unittest.main(argv=[sys.argv[0], *rest], verbosity=2)  # rest: e.g. PeftAdaptersLoad


if __name__ == "__main__":
    main()
