#pragma once
// MPI: rank 0 orchestrates, ranks 1..K-1 are workers (docs/architecture.md "Distribution and
// faults"). Messages are JSON text, one MPI message each; only this file's .cpp includes mpi.h.
//
//   if (launched_by_mpi()) { MpiSession mpi; if (mpi.rank() == 0) { MpiTransport t(mpi); ... }
//                            else run_worker_rank(agent); }
#include <functional>
#include <string>

#include "orchestrator/transport.h"
#include "orchestrator/worker_agent.h"

namespace adamix::orchestrator {

// True under mpirun / srun (the launcher's environment variables are set).
bool launched_by_mpi();

class MpiSession {
 public:
  MpiSession();   // MPI_Init; Error when it fails
  ~MpiSession();  // MPI_Finalize
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  // Among the worker ranks on this node: this worker's index and how many there are (GPU
  // binding and threads per trial). Rank 0 is not a worker.
  int node_worker_index() const { return node_worker_index_; }
  int node_workers() const { return node_workers_; }
  [[noreturn]] void abort(int code);

 private:
  int rank_ = 0, size_ = 1, node_worker_index_ = 0, node_workers_ = 1;
};

class MpiTransport : public Transport {
 public:
  explicit MpiTransport(const MpiSession& session) : workers_(session.size() - 1) {}
  int workers() const override { return workers_; }
  void send(int worker, const Message& message) override;
  std::vector<Envelope> poll(std::chrono::milliseconds timeout) override;

 private:
  int workers_;
};

// A worker rank's loop: says hello to rank 0, runs what it is given, returns once it left.
void run_worker_rank(WorkerAgent& agent);

}  // namespace adamix::orchestrator
