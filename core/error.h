#pragma once
// Library errors. Library code throws these; only apps/ turns them into exit codes.
#include <stdexcept>
#include <string>

namespace adamix {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A bad value in a config, a flag or a model's config.json.
class ConfigError : public Error {
 public:
  using Error::Error;
};

// A file that cannot be read or written, or whose bytes are malformed.
class IoError : public Error {
 public:
  using Error::Error;
};

// Input data the model cannot take (ids out of range, sequences too long, bad shapes).
class InputError : public Error {
 public:
  using Error::Error;
};

// Training blew up: a NaN or infinite loss.
class DivergenceError : public Error {
 public:
  using Error::Error;
};

}  // namespace adamix
