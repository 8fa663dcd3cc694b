#pragma once
// Internal to storage/: ResultsStore's pimpl, shared by results_store.cpp (opening, schema,
// writes) and results_store_reads.cpp.
#include <map>
#include <string>

#include "storage/results_store.h"
#include "storage/sqlite_util.h"

namespace adamix::storage {

struct ResultsStore::Impl {
  Impl(const std::filesystem::path& path, Access access_)
      : db(path, access_ == Access::ReadOnly), access(access_) {}

  // Error naming `operation` when the store is read-only.
  void require_writable(const std::string& operation) const;
  // The cached write statement for `sql` (one of results_store.cpp's constants), after
  // require_writable(operation).
  sqlite::Statement& write(const char* sql, const std::string& operation);
  // Runs an UPDATE of trial `id`; Error naming the id when no trial has it.
  void update_trial(sqlite::Statement& update, const std::string& operation, const std::string& id);

  sqlite::Connection db;
  Access access;
  int version = 0;
  // Prepared once and reused, since the orchestrator writes thousands of rows; keyed by the
  // address of the SQL constant. Declared after db, so finalized before it closes.
  std::map<const char*, sqlite::Statement> writes;
};

}  // namespace adamix::storage
