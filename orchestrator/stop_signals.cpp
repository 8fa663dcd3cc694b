#include "orchestrator/stop_signals.h"

#include <csignal>
#include <initializer_list>

namespace adamix::orchestrator {
namespace {

volatile std::sig_atomic_t received = 0;

extern "C" void on_stop_signal(int signal_number) {
  if (received == 0) received = signal_number;
}

}  // namespace

void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  for (int signal_number : {SIGTERM, SIGUSR2, SIGINT}) sigaction(signal_number, &action, nullptr);
  std::signal(SIGPIPE, SIG_IGN);  // a dead child's pipe is an error code, not a crash
}

int stop_signal() { return received; }

}  // namespace adamix::orchestrator
