#include "worker/checkpoint_forward.h"

#include "core/error.h"
#include "core/inference/batched_forward.h"
#include "core/io/sha256.h"
#include "core/runtime/device.h"
#include "core/train/nlg_model.h"
#include "core/train/task_model.h"
#include "core/util/text.h"
#include "worker/peft_import.h"
#include "worker/tensor_arrays.h"

namespace adamix::worker {
namespace {

// A forward file's batch as the task model takes it: token types 0 where the file has none.
train::Batch unlabelled_batch(const models::BackboneInput& input) {
  return {
      input.input_ids, input.attention_mask,
      input.token_type_ids.defined() ? input.token_type_ids : torch::zeros_like(input.input_ids),
      torch::Tensor()};
}

}  // namespace

void check_checkpoint_backbone(const std::filesystem::path& model_dir,
                               const storage::Checkpoint& checkpoint) {
  const auto expected_sha = storage::attribute_string(checkpoint.meta, "backbone_sha256");
  if (io::sha256_file(model_dir / "model.safetensors") != expected_sha)
    throw ConfigError(model_dir.string() +
                      "/model.safetensors is not the backbone this checkpoint was trained on (" +
                      storage::attribute_string(checkpoint.meta, "backbone") + ")");
}

inference::GenerateResult generate_checkpoint_file(const inference::GenerateFileOptions& options,
                                                   const storage::Checkpoint& checkpoint,
                                                   peft::PeftOptions method,
                                                   const std::string& mode) {
  if (!mode.empty()) method.inference = peft::InferenceMode::parse(mode);
  method.validate();
  if (method.inference.kind == peft::InferenceMode::Kind::Ensemble) {
    throw ConfigError(
        "--mode ensemble does not apply to generation (it averages class "
        "distributions); use merged, random-batch, random-token or fixed:I,J");
  }
  check_checkpoint_backbone(options.model_dir, checkpoint);
  train::NlgModel model(options.model_dir, method, /*seed=*/1,
                        runtime::parse_device(options.device));
  std::vector<std::pair<std::string, torch::Tensor>> params;
  for (const auto& [name, array] : checkpoint.params)
    params.emplace_back(name, from_float_array(array));
  model.load_trainable(params);
  model.routing().set_inference(method.inference);
  return inference::generate_file(options, &model.gpt2());
}

inference::ForwardFileResult forward_checkpoint_file(const inference::ForwardFileOptions& options,
                                                     const storage::Checkpoint& checkpoint,
                                                     peft::PeftOptions method,
                                                     const std::string& mode) {
  inference::check_output_dir(options);
  if (!mode.empty()) method.inference = peft::InferenceMode::parse(mode);
  method.validate();
  const auto device = runtime::parse_device(options.device);
  check_checkpoint_backbone(options.model_dir, checkpoint);
  const auto num_outputs = storage::attribute_int(checkpoint.meta, "num_outputs");
  const bool regression = storage::attribute_int(checkpoint.meta, "regression") != 0;

  train::TaskModel model(options.model_dir, method, num_outputs, regression, /*seed=*/1, device);
  std::vector<std::pair<std::string, torch::Tensor>> params;
  for (const auto& [name, array] : checkpoint.params)
    params.emplace_back(name, from_float_array(array));
  model.load_trainable(params);
  model.train(false);
  const bool ensemble = method.inference.kind == peft::InferenceMode::Kind::Ensemble;
  return inference::run_forward_file(
      options, model.config(), device, [&](const models::BackboneInput& input) {
        const auto batch = unlabelled_batch(input);
        torch::Tensor hidden, logits;
        if (ensemble) {
          logits = model.predict(batch);
          if (regression) logits = logits.unsqueeze(-1);
          model.routing().set_inference(peft::InferenceMode{});  // merged, for the hidden state
          hidden = model.forward_all(batch).first.last_hidden_state;
          model.routing().set_inference(method.inference);
        } else {
          auto out = model.forward_all(batch);
          hidden = out.first.last_hidden_state;
          logits = out.second;
        }
        return std::vector<inference::NamedOutput>{{"last_hidden_state", hidden, true},
                                                   {"logits", logits, false}};
      });
}

inference::ForwardFileResult forward_adapter_file(const inference::ForwardFileOptions& options,
                                                  const std::filesystem::path& adapter_dir) {
  inference::check_output_dir(options);
  const auto device = runtime::parse_device(options.device);
  const auto adapter = import_peft_lora(adapter_dir, models::load_model_config(options.model_dir));
  // The head's output rows: classifier.weight / out_proj.weight / score.weight is [C, H].
  int64_t num_outputs = 0;
  for (const auto& [name, tensor] : adapter.head)
    if (util::ends_with(name, "classifier.weight") || util::ends_with(name, "out_proj.weight") ||
        util::ends_with(name, "score.weight"))
      num_outputs = tensor.size(0);
  const bool logits = num_outputs > 0;
  train::TaskModel model(options.model_dir, adapter.method, logits ? num_outputs : 1,
                         num_outputs == 1, /*seed=*/1, device);
  initialise_from_adapter(model.trainable(), adapter, adapter.method);
  model.train(false);
  return inference::run_forward_file(
      options, model.config(), device, [&](const models::BackboneInput& input) {
        const auto batch = unlabelled_batch(input);
        auto out = model.forward_all(batch);
        std::vector<inference::NamedOutput> outputs{
            {"last_hidden_state", out.first.last_hidden_state, true}};
        if (logits) outputs.push_back({"logits", out.second, false});
        return outputs;
      });
}

}  // namespace adamix::worker
