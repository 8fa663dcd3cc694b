#include "core/models/heads.h"

#include "core/error.h"
#include "core/models/bert.h"

namespace adamix::models {
namespace {

namespace nn = torch::nn;

void init_linear(nn::Linear& linear, double std, at::Generator& generator) {
  torch::NoGradGuard no_grad;
  linear->weight.normal_(0, std, generator);
  if (linear->bias.defined()) linear->bias.zero_();
}

class BertHeadImpl : public HeadImpl {
 public:
  BertHeadImpl(const ModelConfig& c, int64_t num_labels, bool backbone_has_pooler)
      : range_(c.initializer_range) {
    num_labels_ = num_labels;
    if (!backbone_has_pooler) pooler_ = register_module("pooler", BertPooler(c));
    dropout_ = register_module("dropout", nn::Dropout(c.hidden_dropout));
    classifier_ = register_module("classifier", nn::Linear(c.hidden_size, num_labels));
  }

  torch::Tensor forward(const BackboneOutput& out, const torch::Tensor&) override {
    const auto pooled = pooler_ ? pooler_->forward(out.last_hidden_state) : out.pooled;
    TORCH_CHECK(pooled.defined(), "BERT head: the backbone produced no pooled output");
    return classifier_(dropout_(pooled));
  }

  void reset_parameters(at::Generator generator) override {
    if (pooler_) init_linear(pooler_->dense_, range_, generator);
    init_linear(classifier_, range_, generator);
  }

  std::map<std::string, torch::Tensor> hf_state_dict() const override {
    std::map<std::string, torch::Tensor> out = {{"classifier.weight", classifier_->weight},
                                                {"classifier.bias", classifier_->bias}};
    if (pooler_) {
      out["bert.pooler.dense.weight"] = pooler_->dense_->weight;
      out["bert.pooler.dense.bias"] = pooler_->dense_->bias;
    }
    return out;
  }

 private:
  double range_;
  BertPooler pooler_{nullptr};
  nn::Dropout dropout_{nullptr};
  nn::Linear classifier_{nullptr};
};

class RobertaHeadImpl : public HeadImpl {
 public:
  RobertaHeadImpl(const ModelConfig& c, int64_t num_labels) : range_(c.initializer_range) {
    num_labels_ = num_labels;
    dense_ = register_module("dense", nn::Linear(c.hidden_size, c.hidden_size));
    dropout_ = register_module("dropout", nn::Dropout(c.hidden_dropout));
    out_proj_ = register_module("out_proj", nn::Linear(c.hidden_size, num_labels));
  }

  torch::Tensor forward(const BackboneOutput& out, const torch::Tensor&) override {
    using torch::indexing::Slice;
    auto x = out.last_hidden_state.index({Slice(), 0});  // <s>
    x = torch::tanh(dense_(dropout_(x)));
    return out_proj_(dropout_(x));
  }

  void reset_parameters(at::Generator generator) override {
    init_linear(dense_, range_, generator);
    init_linear(out_proj_, range_, generator);
  }

  std::map<std::string, torch::Tensor> hf_state_dict() const override {
    return {{"classifier.dense.weight", dense_->weight},
            {"classifier.dense.bias", dense_->bias},
            {"classifier.out_proj.weight", out_proj_->weight},
            {"classifier.out_proj.bias", out_proj_->bias}};
  }

 private:
  double range_;
  nn::Linear dense_{nullptr};
  nn::Dropout dropout_{nullptr};
  nn::Linear out_proj_{nullptr};
};

class Gpt2HeadImpl : public HeadImpl {
 public:
  Gpt2HeadImpl(const ModelConfig& c, int64_t num_labels) : range_(c.initializer_range) {
    num_labels_ = num_labels;
    score_ = register_module("score",
                             nn::Linear(nn::LinearOptions(c.hidden_size, num_labels).bias(false)));
  }

  torch::Tensor forward(const BackboneOutput& out, const torch::Tensor& attention_mask) override {
    const auto logits = score_(out.last_hidden_state);  // [N,T,C]
    const int64_t n = logits.size(0);
    torch::Tensor last;
    if (attention_mask.defined()) {
      last = attention_mask.to(torch::kLong).sum(1) - 1;  // right padding: last real token
    } else {
      last = torch::full({n}, logits.size(1) - 1, torch::TensorOptions().dtype(torch::kLong));
    }
    last = last.to(logits.device());
    return logits.index({torch::arange(n, last.options()), last});
  }

  void reset_parameters(at::Generator generator) override {
    init_linear(score_, range_, generator);
  }

  std::map<std::string, torch::Tensor> hf_state_dict() const override {
    return {{"score.weight", score_->weight}};
  }

 private:
  double range_;
  nn::Linear score_{nullptr};
};

}  // namespace

std::shared_ptr<HeadImpl> make_head(const ModelConfig& config, int64_t num_labels,
                                    bool backbone_has_pooler) {
  if (num_labels < 1)
    throw ConfigError("a head needs at least one label, got " + std::to_string(num_labels));
  switch (config.arch) {
    case Arch::Bert: return std::make_shared<BertHeadImpl>(config, num_labels, backbone_has_pooler);
    case Arch::Roberta: return std::make_shared<RobertaHeadImpl>(config, num_labels);
    case Arch::Gpt2: return std::make_shared<Gpt2HeadImpl>(config, num_labels);
  }
  throw ConfigError("no classification head for this architecture");
}

}  // namespace adamix::models
