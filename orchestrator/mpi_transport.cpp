#include "orchestrator/mpi_transport.h"

#include <mpi.h>

#include <algorithm>
#include <cstdlib>
#include <thread>

#include "core/error.h"
#include "orchestrator/stop_signals.h"

namespace adamix::orchestrator {
namespace {

constexpr int kTag = 7;
using Clock = std::chrono::steady_clock;

void check(int code, const char* what) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  throw Error(std::string("MPI ") + what + " failed: " + std::string(text, length));
}

void send_text(int rank, const Message& message) {
  const auto text = message.dump();
  check(MPI_Send(text.data(), static_cast<int>(text.size()), MPI_CHAR, rank, kTag, MPI_COMM_WORLD),
        "send");
}

// One message if there is one from `source` (MPI_ANY_SOURCE allowed), without blocking.
bool receive_text(int source, int& from, Message& message) {
  int flag = 0;
  MPI_Status status;
  check(MPI_Iprobe(source, kTag, MPI_COMM_WORLD, &flag, &status), "probe");
  if (!flag) return false;
  int count = 0;
  MPI_Get_count(&status, MPI_CHAR, &count);
  std::string text(static_cast<size_t>(count), '\0');
  check(MPI_Recv(text.data(), count, MPI_CHAR, status.MPI_SOURCE, kTag, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE),
        "receive");
  from = status.MPI_SOURCE;
  message = Message::parse(text);
  return true;
}

}  // namespace

bool launched_by_mpi() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE", "PMI_RANK"})
    if (std::getenv(name) != nullptr) return true;
  return false;
}

MpiSession::MpiSession() {
  check(MPI_Init(nullptr, nullptr), "init");
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  MPI_Comm node;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
  int local_rank = 0, local_size = 1, lowest = 0;
  MPI_Comm_rank(node, &local_rank);
  MPI_Comm_size(node, &local_size);
  MPI_Allreduce(&rank_, &lowest, 1, MPI_INT, MPI_MIN, node);
  MPI_Comm_free(&node);
  const int orchestrator_here = lowest == 0 ? 1 : 0;  // rank 0 is local rank 0 where it runs
  node_worker_index_ = local_rank - orchestrator_here;
  node_workers_ = local_size - orchestrator_here;
}

MpiSession::~MpiSession() { MPI_Finalize(); }

void MpiSession::abort(int code) {
  MPI_Abort(MPI_COMM_WORLD, code);
  std::_Exit(code);
}

void MpiTransport::send(int worker, const Message& message) { send_text(worker, message); }

std::vector<Envelope> MpiTransport::poll(std::chrono::milliseconds timeout) {
  std::vector<Envelope> out;
  const auto deadline = Clock::now() + timeout;
  // Probing backs off from 50 us to 1 ms while nothing arrives: quick answers while trials come
  // and go, and rank 0 near 0% CPU while they train.
  auto pause = std::chrono::microseconds(50);
  while (true) {
    Envelope envelope;
    while (receive_text(MPI_ANY_SOURCE, envelope.worker, envelope.message))
      out.push_back(std::move(envelope));
    if (!out.empty() || Clock::now() >= deadline) return out;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::microseconds(1000));
  }
}

void run_worker_rank(WorkerAgent& agent) {
  send_text(0, agent.hello());
  bool stop_seen = false;
  while (!agent.done()) {
    if (!stop_seen && stop_signal() != 0) {
      stop_seen = true;
      agent.request_stop();
    }
    int from = 0;
    Message message;
    while (receive_text(0, from, message)) agent.handle(message);
    const auto out = agent.pump(std::chrono::milliseconds(agent.busy() ? 20 : 0));
    for (const auto& m : out) send_text(0, m);
    if (out.empty() && !agent.busy()) std::this_thread::sleep_for(std::chrono::microseconds(50));
  }
}

}  // namespace adamix::orchestrator
