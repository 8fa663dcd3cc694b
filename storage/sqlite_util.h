#pragma once
// Internal to storage/, the one folder that speaks SQLite: a connection and a prepared
// statement as RAII types, every failure an IoError naming the database file and carrying
// SQLite's own message. sqlite3.h stays in the .cpp files.
//
//   sqlite::Connection db(path, /*read_only=*/true);
//   sqlite::Statement select(db, "SELECT value FROM metrics WHERE trial = ?1", what);
//   select.bind_text(1, id);
//   while (select.next(what)) values.push_back(select.real(0));
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "core/error.h"

struct sqlite3;
struct sqlite3_stmt;

namespace adamix::storage::sqlite {

// One connection, closed on destruction. Opening reads nothing, so a file that is not a
// database fails on its first statement.
class Connection {
 public:
  // read_only opens with SQLITE_OPEN_READONLY; otherwise a missing file is created. A statement
  // waits up to 10 s for a lock another connection holds before it fails as busy.
  Connection(const std::filesystem::path& path, bool read_only);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  const std::filesystem::path& path() const { return path_; }
  sqlite3* handle() const { return db_; }

  // Runs SQL without parameters (schema, PRAGMA, BEGIN / COMMIT); it may hold several statements.
  void exec(const std::string& sql, const std::string& what);
  // Rolls back the open transaction, if any. Never throws: for destructors.
  void rollback() noexcept;
  // IoError("<path>: <what>: <SQLite's message for the last failure>"), to throw.
  IoError error(const std::string& what) const;

 private:
  std::filesystem::path path_;
  sqlite3* db_ = nullptr;
};

// One prepared statement; parameters are 1-based (?1, ?2, ...) and bound as values, never
// spliced into the SQL text.
class Statement {
 public:
  // persistent: kept for the connection's lifetime and reused (SQLITE_PREPARE_PERSISTENT).
  Statement(const Connection& db, const std::string& sql, const std::string& what,
            bool persistent = false);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind_int(int index, int64_t value);
  Statement& bind_real(int index, double value);  // NaN binds NULL
  Statement& bind_text(int index, const std::string& value);
  Statement& bind_text_or_null(int index, const std::string& value);  // "" binds NULL

  // Steps once: true with a row to read, false when done (the statement is then reset).
  bool next(const std::string& what);
  // Runs a statement that returns no rows, resets it and returns the rows it changed.
  int64_t run(const std::string& what);

  // Columns of the current row, 0-based.
  int64_t integer(int column) const;
  std::optional<int64_t> optional_integer(int column) const;  // NULL = nullopt
  double real(int column) const;                              // NULL = NaN
  std::string text(int column) const;                         // NULL = ""

 private:
  void check_bind(int rc, int index) const;

  const Connection* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace adamix::storage::sqlite
