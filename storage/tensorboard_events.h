#pragma once
// TensorBoard event files, written without TensorFlow: TFRecord framing (length, masked
// CRC-32C of the length, an `Event` protocol buffer, masked CRC-32C of it) around the few
// `Event` fields scalars need (tensorflow/core/util/event.proto, summary.proto).
//
//   storage::TensorBoardWriter tb(trial_dir / "tensorboard" / "trial", /*start_step=*/0);
//   tb.scalar("train/loss", 10, 0.69);
//
// `tensorboard --logdir RUN` then shows each folder holding event files as one run.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace adamix::storage {

// CRC-32C (Castagnoli), as TFRecord frames use it, and TFRecord's masking of it.
uint32_t crc32c(std::string_view bytes);
uint32_t masked_crc32c(std::string_view bytes);

class TensorBoardWriter {
 public:
  // Starts a new event file in `dir` (created if missing), named as TensorFlow names them
  // (events.out.tfevents.<unix seconds>.<host>.<pid>.<n>, so that TensorBoard finds it), with
  // the file_version event and a SessionLog START at `start_step` + 1: TensorBoard then drops
  // what earlier files of the folder logged past `start_step`, so a resumed trial's steps
  // appear once. Its name sorts after every event file already in `dir`.
  // IoError when the folder or file cannot be made.
  TensorBoardWriter(const std::filesystem::path& dir, int64_t start_step);

  // One scalar (Summary.Value.simple_value, a float) at `step`, stamped with the wall time.
  void scalar(const std::string& tag, int64_t step, double value);
  // Hands what was written to the operating system (TensorBoard reads files as they grow).
  void flush();
  const std::filesystem::path& path() const { return path_; }

 private:
  void write_record(const std::string& event);

  std::filesystem::path path_;
  std::ofstream file_;
};

}  // namespace adamix::storage
