#include "storage/sqlite_util.h"

#include <sqlite3.h>

#include <cmath>
#include <limits>

namespace adamix::storage::sqlite {

// Long enough to outlast a writer's transaction of a few thousand metric rows.
constexpr int kBusyTimeoutMs = 10000;

Connection::Connection(const std::filesystem::path& path, bool read_only) : path_(path) {
  const int flags = read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc == SQLITE_OK) {
    sqlite3_busy_timeout(db_, kBusyTimeoutMs);  // always SQLITE_OK on an open connection
    return;
  }
  // A failed open still returns a handle (carrying the message) unless memory ran out.
  const IoError failure = db_ != nullptr ? error("cannot open")
                                         : IoError(path.string() + ": cannot open: out of memory");
  sqlite3_close(db_);
  throw failure;
}

Connection::~Connection() {
  // Statements are finalized before their connection, so this close succeeds; a destructor
  // could not report a failure anyway.
  sqlite3_close(db_);
}

void Connection::exec(const std::string& sql, const std::string& what) {
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) throw error(what);
}

void Connection::rollback() noexcept {
  // SQLite may already have rolled back by itself (after SQLITE_FULL, SQLITE_IOERR, ...).
  if (sqlite3_get_autocommit(db_) == 0) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

IoError Connection::error(const std::string& what) const {
  return IoError(path_.string() + ": " + what + ": " + sqlite3_errmsg(db_));
}

Statement::Statement(const Connection& db, const std::string& sql, const std::string& what,
                     bool persistent)
    : db_(&db) {
  const unsigned flags = persistent ? SQLITE_PREPARE_PERSISTENT : 0;
  if (sqlite3_prepare_v3(db.handle(), sql.c_str(), static_cast<int>(sql.size() + 1), flags, &stmt_,
                         nullptr) != SQLITE_OK)
    throw db.error(what);
}

Statement::~Statement() {
  // Returns the last step's error, which was reported when it happened.
  sqlite3_finalize(stmt_);
}

void Statement::check_bind(int rc, int index) const {
  if (rc != SQLITE_OK) throw db_->error("cannot bind ?" + std::to_string(index));
}

Statement& Statement::bind_int(int index, int64_t value) {
  check_bind(sqlite3_bind_int64(stmt_, index, value), index);
  return *this;
}

Statement& Statement::bind_real(int index, double value) {
  check_bind(std::isnan(value) ? sqlite3_bind_null(stmt_, index)
                               : sqlite3_bind_double(stmt_, index, value),
             index);
  return *this;
}

Statement& Statement::bind_text(int index, const std::string& value) {
  check_bind(
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
      index);
  return *this;
}

Statement& Statement::bind_text_or_null(int index, const std::string& value) {
  if (!value.empty()) return bind_text(index, value);
  check_bind(sqlite3_bind_null(stmt_, index), index);
  return *this;
}

bool Statement::next(const std::string& what) {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) {
    sqlite3_reset(stmt_);  // SQLITE_OK after a successful step
    return false;
  }
  const IoError failure = db_->error(what);  // taken before the reset
  sqlite3_reset(stmt_);                      // repeats rc
  throw failure;
}

int64_t Statement::run(const std::string& what) {
  if (next(what)) {
    sqlite3_reset(stmt_);
    throw IoError(db_->path().string() + ": " + what + ": the statement returned rows");
  }
  return sqlite3_changes(db_->handle());
}

int64_t Statement::integer(int column) const { return sqlite3_column_int64(stmt_, column); }

std::optional<int64_t> Statement::optional_integer(int column) const {
  if (sqlite3_column_type(stmt_, column) == SQLITE_NULL) return std::nullopt;
  return integer(column);
}

double Statement::real(int column) const {
  if (sqlite3_column_type(stmt_, column) == SQLITE_NULL)
    return std::numeric_limits<double>::quiet_NaN();
  return sqlite3_column_double(stmt_, column);
}

std::string Statement::text(int column) const {
  const auto* bytes = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (bytes == nullptr) return {};  // NULL
  return std::string(bytes, static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

}  // namespace adamix::storage::sqlite
