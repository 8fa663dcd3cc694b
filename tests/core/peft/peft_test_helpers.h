#pragma once
// Shared by the core/peft tests: tiny backbones, seeded generators, direct re-computations.
#include <torch/torch.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/models/backbone.h"
#include "core/peft/adapter_mixture.h"
#include "core/peft/lora_mixture.h"
#include "core/peft/peft_options.h"
#include "core/peft/routing.h"

namespace adamix::peft::testing {

at::Generator generator(uint64_t seed);
std::shared_ptr<RoutingContext> make_context(const PeftOptions& options, uint64_t seed = 1);

// arch: bert | roberta | gpt2; hidden 32, 2 layers, 4 heads, intermediate 64, vocab 100.
models::ModelConfig tiny_config(const std::string& arch, int64_t layers = 2);
// Weights from reset_parameters(seed), eval() mode, dropout 0 unless `dropout`.
std::shared_ptr<models::BackboneImpl> tiny_backbone(const std::string& arch, uint64_t seed = 3,
                                                    bool dropout = false);
// Random ids [n,t] in [3, vocab) and an all-ones mask.
models::BackboneInput tiny_input(const models::ModelConfig& config, int64_t n, int64_t t,
                                 uint64_t seed = 11);

double max_diff(const torch::Tensor& a, const torch::Tensor& b);

// Fills every parameter of `module` with N(0, std) values (biases and B included), no grad.
void randomize(torch::nn::Module& module, uint64_t seed, double std = 0.1);

// x + Up(GELU(Down(x))) written out with matmul; weights [out,in], biases [out].
torch::Tensor adapter_reference(const torch::Tensor& x, const torch::Tensor& down_w,
                                const torch::Tensor& down_b, const torch::Tensor& up_w,
                                const torch::Tensor& up_b);
// The same for expert pair (i, j) of `adapter`.
torch::Tensor adapter_pair(const AdapterMixtureImpl& adapter, const torch::Tensor& x, int64_t i,
                           int64_t j);
// (alpha / r) · B A x written out; a [r,in], b [out,r].
torch::Tensor lora_reference(const LoraMixtureImpl& lora, const torch::Tensor& x,
                             const torch::Tensor& a, const torch::Tensor& b);

// Central finite differences (double precision) of the scalar `loss` against every element of
// every tensor in `inputs`, compared with autograd; returns the largest absolute mismatch.
// Each evaluation first calls `before_eval` (e.g. to reseed routing draws).
double gradient_mismatch(const std::function<torch::Tensor()>& loss,
                         const std::vector<torch::Tensor>& inputs,
                         const std::function<void()>& before_eval = {}, double eps = 1e-6);

}  // namespace adamix::peft::testing
