#pragma once
// How rank 0 talks to its workers: MPI (orchestrator/mpi_transport.h) or in-process agents for
// a sweep without mpirun (orchestrator/local_transport.h). Workers are numbered 1..workers().
#include <chrono>
#include <vector>

#include "orchestrator/protocol.h"

namespace adamix::orchestrator {

struct Envelope {
  int worker = 0;
  Message message;
};

class Transport {
 public:
  virtual ~Transport() = default;
  virtual int workers() const = 0;
  virtual void send(int worker, const Message& message) = 0;
  // Every message that has arrived, waiting up to `timeout` for the first.
  virtual std::vector<Envelope> poll(std::chrono::milliseconds timeout) = 0;
};

}  // namespace adamix::orchestrator
