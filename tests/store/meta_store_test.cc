// The promises of store/meta_store.h, checked against both implementations: SQLite in a data
// directory and a real PostgreSQL server (scripts/postgres.sh). Each case states the rows it
// stores and what a person expects back.
#include "store/meta_store.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "store/sqlite/sqlite_store.h"
#include "testing/postgres_server.h"

namespace voronka {
namespace {

struct SqliteBackend {
  static constexpr bool kPostgres = false;
};
struct PostgresBackend {
  static constexpr bool kPostgres = true;
};

template <typename Backend>
class MetaStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if constexpr (Backend::kPostgres) {
      VORONKA_START_POSTGRES(postgres_);
    } else {
      Result<std::unique_ptr<SqliteStore>> facts = SqliteStore::Open(dir_.path());
      ASSERT_TRUE(facts.ok()) << facts.message();
      facts_ = std::move(facts).value();
      // The SQLite tables refer to workspaces: the two the cases use must exist.
      ASSERT_EQ(facts_->EnsureDefaultWorkspace().value(), kMain);
      ASSERT_EQ(facts_->CreateWorkspace("other").value(), kOther);
    }
    Reopen();
  }

  void Reopen() {
    meta_ = MetaStore{};
    Result<MetaStore> opened = Backend::kPostgres ? OpenMetaStore(postgres_->uri(), "")
                                                  : OpenMetaStore("", facts_->path());
    ASSERT_TRUE(opened.ok()) << opened.message();
    meta_ = std::move(opened).value();
  }

  AccountStore& accounts() { return *meta_.accounts; }
  SavedReportStore& reports() { return *meta_.saved_reports; }
  // The list of workspaces: the data directory's, or in the scale-out mode PostgreSQL's.
  WorkspaceStore& workspaces() {
    if constexpr (Backend::kPostgres) return *meta_.workspaces;
    return *facts_;
  }

  int64_t AddAccount(std::string_view login, int64_t workspace_id = kMain) {
    Account account;
    account.workspace_id = workspace_id;
    account.login = std::string(login);
    account.name = "Name of " + account.login;
    account.role = "manager";
    account.password_hash = "hash-1";
    account.created_at = 1000;
    Result<int64_t> id = accounts().AddAccount(account);
    EXPECT_TRUE(id.ok()) << id.message();
    return id.ok() ? id.value() : 0;
  }

  SessionRow Session(std::string id_hash, int64_t account_id, int64_t created, int64_t seen) {
    SessionRow session;
    session.id_hash = std::move(id_hash);
    session.account_id = account_id;
    session.csrf_token = "csrf-" + std::to_string(created);
    session.created_at = created;
    session.last_seen_at = seen;
    return session;
  }

  static constexpr int64_t kMain = 1;
  static constexpr int64_t kOther = 2;
  testing::TempDir dir_;
  std::unique_ptr<SqliteStore> facts_;
  std::unique_ptr<voronka::testing::PostgresServer> postgres_;
  MetaStore meta_;
};

class BackendNames {
 public:
  template <typename T>
  static std::string GetName(int) {
    return T::kPostgres ? "Postgres" : "Sqlite";
  }
};
using Backends = ::testing::Types<SqliteBackend, PostgresBackend>;
TYPED_TEST_SUITE(MetaStoreTest, Backends, BackendNames);

// Hashes are raw bytes: zero bytes and bytes above 0x7f must survive the round trip.
std::string RawHash(char first) {
  std::string hash(32, '\0');
  hash[0] = first;
  hash[1] = '\xff';
  hash[31] = '\x80';
  return hash;
}

TYPED_TEST(MetaStoreTest, LoginsAreUniqueIgnoringAsciiCase) {
  int64_t anna = this->AddAccount("Anna");
  Account again;
  again.workspace_id = this->kOther;  // unique across workspaces too
  again.login = "aNNA";
  again.role = "admin";
  again.password_hash = "x";
  Result<int64_t> refused = this->accounts().AddAccount(again);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.message(), "an account with login 'aNNA' exists already");
  ASSERT_TRUE(this->accounts().FindAccountByLogin("ANNA").has_value());
  EXPECT_EQ(this->accounts().FindAccountByLogin("ANNA")->id, anna);
  EXPECT_EQ(this->accounts().FindAccountByLogin("ANNA")->login, "Anna");
  EXPECT_FALSE(this->accounts().FindAccountByLogin("Ann").has_value());
  // Folding is ASCII only (SQLite's NOCASE): Cyrillic logins differing in case are two.
  this->AddAccount("Борис");
  this->AddAccount("борис");
  EXPECT_EQ(this->accounts().Accounts().size(), 3u);
}

TYPED_TEST(MetaStoreTest, AccountsAreListedByIdAndPerWorkspace) {
  int64_t first = this->AddAccount("first");
  int64_t second = this->AddAccount("second", this->kOther);
  int64_t third = this->AddAccount("third");
  std::vector<Account> all = this->accounts().Accounts();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].id, first);
  EXPECT_EQ(all[1].id, second);
  EXPECT_EQ(all[2].id, third);
  std::vector<Account> main = this->accounts().Accounts(this->kMain);
  ASSERT_EQ(main.size(), 2u);
  EXPECT_EQ(main[1].login, "third");
  EXPECT_EQ(main[1].name, "Name of third");
  EXPECT_EQ(main[1].role, "manager");
  EXPECT_EQ(main[1].crm_user_id, "");
  EXPECT_EQ(main[1].password_hash, "hash-1");
  EXPECT_TRUE(main[1].active);
  EXPECT_EQ(main[1].created_at, 1000);
  EXPECT_FALSE(this->accounts().FindAccount(third + 100).has_value());
}

TYPED_TEST(MetaStoreTest, AnAccountUpdateSetsRoleNameAndCrmUser) {
  int64_t id = this->AddAccount("anna");
  ASSERT_TRUE(this->accounts().UpdateAccount(id, "head", "Anna P.", "u7").ok());
  Account stored = this->accounts().FindAccount(id).value();
  EXPECT_EQ(stored.role, "head");
  EXPECT_EQ(stored.name, "Anna P.");
  EXPECT_EQ(stored.crm_user_id, "u7");
  ASSERT_TRUE(this->accounts().UpdateAccount(id, "admin", "Anna", "").ok());
  EXPECT_EQ(this->accounts().FindAccount(id)->crm_user_id, "");  // none again
}

TYPED_TEST(MetaStoreTest, APasswordChangeEndsOnlyThatAccountsSessions) {
  int64_t anna = this->AddAccount("anna");
  int64_t boris = this->AddAccount("boris");
  ASSERT_TRUE(this->accounts().CreateSession(this->Session(RawHash('a'), anna, 10, 10)).ok());
  ASSERT_TRUE(this->accounts().CreateSession(this->Session(RawHash('b'), anna, 20, 20)).ok());
  ASSERT_TRUE(this->accounts().CreateSession(this->Session(RawHash('c'), boris, 30, 30)).ok());
  ASSERT_TRUE(this->accounts().SetPasswordHash(anna, "hash-2").ok());
  EXPECT_EQ(this->accounts().FindAccount(anna)->password_hash, "hash-2");
  EXPECT_FALSE(this->accounts().FindSession(RawHash('a')).has_value());
  EXPECT_FALSE(this->accounts().FindSession(RawHash('b')).has_value());
  std::optional<SessionRow> kept = this->accounts().FindSession(RawHash('c'));
  ASSERT_TRUE(kept.has_value());
  EXPECT_EQ(kept->account_id, boris);
  EXPECT_EQ(kept->csrf_token, "csrf-30");
  EXPECT_EQ(kept->id_hash, RawHash('c'));
}

TYPED_TEST(MetaStoreTest, DeactivatingEndsSessionsAndActivatingRestoresLogin) {
  int64_t anna = this->AddAccount("anna");
  ASSERT_TRUE(this->accounts().CreateSession(this->Session(RawHash('a'), anna, 10, 10)).ok());
  ASSERT_TRUE(this->accounts().SetActive(anna, false).ok());
  EXPECT_FALSE(this->accounts().FindAccount(anna)->active);
  EXPECT_FALSE(this->accounts().FindSession(RawHash('a')).has_value());
  ASSERT_TRUE(this->accounts().SetActive(anna, true).ok());
  EXPECT_TRUE(this->accounts().FindAccount(anna)->active);
}

TYPED_TEST(MetaStoreTest, SessionsAreTouchedAndExpireByIdleOrAge) {
  int64_t anna = this->AddAccount("anna");
  // s1: created 100, seen 100, touched at 600.  s2: created 100, seen 500.  s3: created 1000.
  ASSERT_TRUE(this->accounts().CreateSession(this->Session(RawHash('1'), anna, 100, 100)).ok());
  ASSERT_TRUE(this->accounts().CreateSession(this->Session(RawHash('2'), anna, 100, 500)).ok());
  ASSERT_TRUE(this->accounts().CreateSession(this->Session(RawHash('3'), anna, 1000, 1000)).ok());
  ASSERT_TRUE(this->accounts().TouchSession(RawHash('1'), 600).ok());
  EXPECT_EQ(this->accounts().FindSession(RawHash('1'))->last_seen_at, 600);
  EXPECT_EQ(this->accounts().FindSession(RawHash('1'))->created_at, 100);
  // Idle before 550 ends s2 (seen 500); created before 50 ends none.
  ASSERT_TRUE(this->accounts().DeleteExpiredSessions(550, 50).ok());
  EXPECT_TRUE(this->accounts().FindSession(RawHash('1')).has_value());
  EXPECT_FALSE(this->accounts().FindSession(RawHash('2')).has_value());
  // Created before 500 ends s1 (created 100) though it was seen lately.
  ASSERT_TRUE(this->accounts().DeleteExpiredSessions(0, 500).ok());
  EXPECT_FALSE(this->accounts().FindSession(RawHash('1')).has_value());
  ASSERT_TRUE(this->accounts().FindSession(RawHash('3')).has_value());
  ASSERT_TRUE(this->accounts().DeleteSession(RawHash('3')).ok());
  EXPECT_FALSE(this->accounts().FindSession(RawHash('3')).has_value());
}

TYPED_TEST(MetaStoreTest, ALayoutIsKeptPerScopeOwnerAndPageAndReplaced) {
  AccountStore& accounts = this->accounts();
  ASSERT_TRUE(accounts.PutLayout(this->kMain, "account", "7", "desktop", R"({"a":1})", 1).ok());
  ASSERT_TRUE(accounts.PutLayout(this->kMain, "role", "manager", "desktop", R"({"r":1})", 2).ok());
  ASSERT_TRUE(accounts.PutLayout(this->kMain, "account", "7", "desktop", R"({"a":2})", 3).ok());
  EXPECT_EQ(accounts.Layout(this->kMain, "account", "7", "desktop"), R"({"a":2})");
  EXPECT_EQ(accounts.Layout(this->kMain, "role", "manager", "desktop"), R"({"r":1})");
  EXPECT_FALSE(accounts.Layout(this->kMain, "account", "7", "funnel").has_value());
  EXPECT_FALSE(accounts.Layout(this->kOther, "account", "7", "desktop").has_value());
}

TYPED_TEST(MetaStoreTest, SettingsArePerWorkspaceReplacedAndKeptAcrossReopening) {
  EXPECT_FALSE(this->accounts().WorkspaceSettings(this->kMain).has_value());
  ASSERT_TRUE(
      this->accounts().PutWorkspaceSettings(this->kMain, R"({"forgotten_days":3})", 1).ok());
  ASSERT_TRUE(
      this->accounts().PutWorkspaceSettings(this->kMain, R"({"forgotten_days":5})", 2).ok());
  EXPECT_EQ(this->accounts().WorkspaceSettings(this->kMain), R"({"forgotten_days":5})");
  EXPECT_FALSE(this->accounts().WorkspaceSettings(this->kOther).has_value());
  this->Reopen();  // for PostgreSQL: the migrations run again and change nothing
  EXPECT_EQ(this->accounts().WorkspaceSettings(this->kMain), R"({"forgotten_days":5})");
}

// Failures at 10, 20 and 30 of "login:anna", one at 25 of another key. After 15: 20 and 30
// count (2); after 0: all three. A failure recorded at 40 with forget_before 25 drops 10 and 20
// (anna: 30 and 40 left, the other key's 25 kept). Forgetting anna leaves the other key's one.
// Credentials of bitrix24 and amocrm in the main workspace, bitrix24's in the other, the
// marks of bitrix24 in the main one; the main bitrix24 credentials put again. Each is read
// back as last put, after reopening; amocrm's marks were never put.
TYPED_TEST(MetaStoreTest, CrmStateIsKeptPerWorkspaceCrmAndKindAndReplaced) {
  CrmStateStore& state = *this->meta_.crm_state;
  Result<std::optional<std::string>> none =
      state.Get(this->kMain, "bitrix24", CrmStateKind::kHookCredentials);
  ASSERT_TRUE(none.ok()) << none.message();
  EXPECT_FALSE(none->has_value());
  ASSERT_TRUE(state.Put(this->kMain, "bitrix24", CrmStateKind::kHookCredentials, "{\"w\":1}", 10).ok());
  ASSERT_TRUE(state.Put(this->kMain, "bitrix24", CrmStateKind::kSyncMarks, "{\"m\":2}", 10).ok());
  ASSERT_TRUE(state.Put(this->kMain, "amocrm", CrmStateKind::kHookCredentials, "{\"a\":3}", 10).ok());
  ASSERT_TRUE(state.Put(this->kOther, "bitrix24", CrmStateKind::kHookCredentials, "{\"o\":4}", 10).ok());
  // Replaced, not added.
  ASSERT_TRUE(state.Put(this->kMain, "bitrix24", CrmStateKind::kHookCredentials, "{\"w\":5}", 20).ok());
  this->Reopen();
  CrmStateStore& reopened = *this->meta_.crm_state;
  auto body = [&](int64_t workspace, const char* crm, CrmStateKind kind) {
    Result<std::optional<std::string>> kept = reopened.Get(workspace, crm, kind);
    EXPECT_TRUE(kept.ok()) << kept.message();
    return kept.ok() ? kept->value_or("none") : "error";
  };
  EXPECT_EQ(body(this->kMain, "bitrix24", CrmStateKind::kHookCredentials), "{\"w\":5}");
  EXPECT_EQ(body(this->kMain, "bitrix24", CrmStateKind::kSyncMarks), "{\"m\":2}");
  EXPECT_EQ(body(this->kMain, "amocrm", CrmStateKind::kHookCredentials), "{\"a\":3}");
  EXPECT_EQ(body(this->kMain, "amocrm", CrmStateKind::kSyncMarks), "none");
  EXPECT_EQ(body(this->kOther, "bitrix24", CrmStateKind::kHookCredentials), "{\"o\":4}");
}

TYPED_TEST(MetaStoreTest, LoginFailuresAreCountedPerKeyAfterAnInstantAndForgotten) {
  AccountStore& accounts = this->accounts();
  for (int64_t at : {10, 20, 30})
    ASSERT_TRUE(accounts.RecordLoginFailure("login:anna", at, 0).ok());
  ASSERT_TRUE(accounts.RecordLoginFailure("address:10.0.0.1", 25, 0).ok());
  EXPECT_EQ(accounts.LoginFailuresAfter("login:anna", 15).value(), 2);
  EXPECT_EQ(accounts.LoginFailuresAfter("login:anna", 0).value(), 3);
  EXPECT_EQ(accounts.LoginFailuresAfter("login:boris", 0).value(), 0);

  ASSERT_TRUE(accounts.RecordLoginFailure("login:anna", 40, 25).ok());
  EXPECT_EQ(accounts.LoginFailuresAfter("login:anna", 0).value(), 2);
  EXPECT_EQ(accounts.LoginFailuresAfter("address:10.0.0.1", 0).value(), 1);

  ASSERT_TRUE(accounts.ForgetLoginFailures("login:anna").ok());
  EXPECT_EQ(accounts.LoginFailuresAfter("login:anna", 0).value(), 0);
  EXPECT_EQ(accounts.LoginFailuresAfter("address:10.0.0.1", 0).value(), 1);
}

TYPED_TEST(MetaStoreTest, SavedFiltersBelongToTheirAccount) {
  int64_t anna = this->AddAccount("anna");
  int64_t boris = this->AddAccount("boris");
  SavedFilter filter;
  filter.account_id = anna;
  filter.name = "won";
  filter.body = R"({"filters":{"status":"won"}})";
  filter.created_at = 5;
  int64_t first = this->accounts().AddSavedFilter(this->kMain, filter).value();
  filter.name = "lost";
  int64_t second = this->accounts().AddSavedFilter(this->kMain, filter).value();
  filter.account_id = boris;
  int64_t of_boris = this->accounts().AddSavedFilter(this->kMain, filter).value();
  std::vector<SavedFilter> of_anna = this->accounts().SavedFilters(anna);
  ASSERT_EQ(of_anna.size(), 2u);
  EXPECT_EQ(of_anna[0].id, first);
  EXPECT_EQ(of_anna[0].name, "won");
  EXPECT_EQ(of_anna[0].body, R"({"filters":{"status":"won"}})");
  EXPECT_EQ(of_anna[0].created_at, 5);
  EXPECT_EQ(of_anna[1].id, second);
  EXPECT_FALSE(this->accounts().DeleteSavedFilter(anna, of_boris).value());  // not hers
  EXPECT_TRUE(this->accounts().DeleteSavedFilter(anna, first).value());
  EXPECT_FALSE(this->accounts().DeleteSavedFilter(anna, first).value());  // once
  EXPECT_EQ(this->accounts().SavedFilters(anna).size(), 1u);
  EXPECT_EQ(this->accounts().SavedFilters(boris).size(), 1u);
}

TYPED_TEST(MetaStoreTest, IngestTokensAreListedFoundAndRevoked) {
  AccountStore& accounts = this->accounts();
  // Hash "a" starts 61ff, hash "b" 62ff (hex of the raw bytes).
  ASSERT_TRUE(accounts.AddIngestToken(this->kMain, RawHash('a'), 10).ok());
  ASSERT_TRUE(accounts.AddIngestToken(this->kOther, RawHash('b'), 20).ok());
  EXPECT_EQ(accounts.WorkspaceOfIngestTokenHash(RawHash('a')), this->kMain);
  EXPECT_EQ(accounts.WorkspaceOfIngestTokenHash(RawHash('b')), this->kOther);
  EXPECT_FALSE(accounts.WorkspaceOfIngestTokenHash(RawHash('c')).has_value());
  std::vector<IngestTokenInfo> tokens = accounts.IngestTokens();
  ASSERT_EQ(tokens.size(), 2u);
  EXPECT_EQ(tokens[0].id, "61ff000000000000");
  EXPECT_EQ(tokens[0].workspace_id, this->kMain);
  EXPECT_EQ(tokens[0].created_at, 10);
  EXPECT_FALSE(tokens[0].revoked_at.has_value());
  EXPECT_EQ(tokens[1].id, "62ff000000000000");

  // Through a workspace: only its own token, by the whole listed id.
  EXPECT_FALSE(accounts.RevokeIngestTokenOf(this->kOther, "61ff000000000000", 30).value());
  EXPECT_FALSE(accounts.RevokeIngestTokenOf(this->kMain, "61ff0000", 30).value());
  // By prefix: at least 8 characters, exactly one live match.
  EXPECT_EQ(accounts.RevokeIngestToken("61ff000", 30).message(),
            "a token id has at least 8 characters");
  EXPECT_EQ(accounts.RevokeIngestToken("63ff0000", 30).message(), "no live token with id 63ff0000");
  ASSERT_TRUE(accounts.AddIngestToken(this->kMain, RawHash('a') + "x", 25).ok());  // also 61ff
  EXPECT_EQ(accounts.RevokeIngestToken("61ff0000", 30).message(),
            "several tokens start with 61ff0000");
  ASSERT_TRUE(accounts.RevokeIngestTokenHash(RawHash('a') + "x", 30).value());
  EXPECT_TRUE(accounts.RevokeIngestToken("61ff0000", 40).ok());
  EXPECT_FALSE(accounts.WorkspaceOfIngestTokenHash(RawHash('a')).has_value());
  EXPECT_EQ(accounts.IngestTokens()[0].revoked_at, 40);
  EXPECT_EQ(accounts.RevokeIngestToken("61ff0000", 50).message(), "no live token with id 61ff0000");
  EXPECT_TRUE(accounts.RevokeIngestTokenOf(this->kOther, "62ff000000000000", 60).value());
  EXPECT_FALSE(accounts.RevokeIngestTokenHash(RawHash('b'), 70).value());  // once
  EXPECT_EQ(accounts.IngestTokens()[1].revoked_at, 60);
}

TYPED_TEST(MetaStoreTest, SavedReportsStayInTheirWorkspace) {
  int64_t anna = this->AddAccount("anna");
  SavedReport report;
  report.workspace_id = this->kMain;
  report.owner_account_id = anna;
  report.name = "Won by month";
  report.body = R"({"metric":"won_amount"})";
  report.shared_roles = {"head"};
  report.shared_departments = {"d1", "d2"};
  int64_t id = this->reports().Add(report, 100).value();
  EXPECT_FALSE(this->reports().Find(this->kOther, id).has_value());
  EXPECT_TRUE(this->reports().List(this->kOther).empty());
  SavedReport stored = this->reports().Find(this->kMain, id).value();
  EXPECT_EQ(stored.name, "Won by month");
  EXPECT_EQ(stored.body, R"({"metric":"won_amount"})");
  EXPECT_EQ(stored.shared_roles, std::vector<std::string>{"head"});
  EXPECT_EQ(stored.shared_departments, (std::vector<std::string>{"d1", "d2"}));
  EXPECT_EQ(stored.created_at, 100);
  EXPECT_EQ(stored.updated_at, 100);

  report.id = id;
  report.name = "Won by week";
  report.shared_roles = {};
  EXPECT_TRUE(this->reports().Update(report, 200).value());
  report.workspace_id = this->kOther;
  EXPECT_FALSE(this->reports().Update(report, 300).value());  // not in that workspace
  std::vector<SavedReport> listed = this->reports().List(this->kMain);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].name, "Won by week");
  EXPECT_TRUE(listed[0].shared_roles.empty());
  EXPECT_EQ(listed[0].created_at, 100);
  EXPECT_EQ(listed[0].updated_at, 200);
  EXPECT_FALSE(this->reports().Delete(this->kOther, id).value());
  EXPECT_TRUE(this->reports().Delete(this->kMain, id).value());
  EXPECT_FALSE(this->reports().Delete(this->kMain, id).value());
}

TYPED_TEST(MetaStoreTest, ManyThreadsAddAndReadAccountsAtOnce) {
  // 8 threads x 25 accounts: 200 accounts with 200 distinct ids, each found by its login.
  constexpr int kThreads = 8;
  constexpr int kEach = 25;
  std::vector<std::vector<int64_t>> ids(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, t, &ids] {
      for (int i = 0; i < kEach; ++i) {
        std::string login = "user-" + std::to_string(t) + "-" + std::to_string(i);
        int64_t id = this->AddAccount(login);
        std::optional<Account> found = this->accounts().FindAccountByLogin(login);
        if (found && found->id == id) ids[t].push_back(id);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::set<int64_t> distinct;
  for (const std::vector<int64_t>& of_thread : ids)
    distinct.insert(of_thread.begin(), of_thread.end());
  EXPECT_EQ(distinct.size(), size_t{kThreads * kEach});
  EXPECT_EQ(this->accounts().Accounts().size(), size_t{kThreads * kEach});
}

TYPED_TEST(MetaStoreTest, WorkspacesAreListedFoundAndNamedOnce) {
  WorkspaceStore& store = this->workspaces();
  Result<int64_t> first = store.EnsureDefaultWorkspace();
  ASSERT_TRUE(first.ok()) << first.message();
  EXPECT_EQ(store.EnsureDefaultWorkspace().value(), first.value()) << "one default only";

  WorkspaceRecord settings;
  settings.name = "Acme sp. z o.o.";
  settings.time_zone = "Europe/Warsaw";
  settings.currency = "PLN";
  settings.locale = "pl";
  settings.deal_url = "https://acme.example/deal/{id}";
  settings.forgotten_days = 10;
  Result<int64_t> acme = store.CreateWorkspace("acme", settings);
  ASSERT_TRUE(acme.ok()) << acme.message();
  Result<int64_t> again = store.CreateWorkspace("acme");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.message(), "workspace 'acme' exists already");
  EXPECT_FALSE(store.CreateWorkspace("").ok());
  Result<int64_t> bare = store.CreateWorkspace("bare");
  ASSERT_TRUE(bare.ok()) << bare.message();

  std::optional<WorkspaceInfo> found = store.FindWorkspace(acme.value());
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->name, "acme");
  EXPECT_EQ(found->settings, settings);
  // Settings not given: UTC, RUB, ru, and no display name.
  found = store.FindWorkspace(bare.value());
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->settings.time_zone, "UTC");
  EXPECT_EQ(found->settings.currency, "RUB");
  EXPECT_EQ(found->settings.locale, "ru");
  EXPECT_FALSE(found->settings.name.has_value());
  EXPECT_FALSE(store.FindWorkspace(bare.value() + 100).has_value());

  std::vector<WorkspaceInfo> listed = store.Workspaces();
  ASSERT_GE(listed.size(), 3u);
  EXPECT_EQ(listed.front().id, first.value());
  EXPECT_EQ(listed.front().name, "default");
  EXPECT_EQ(listed[listed.size() - 2].name, "acme");
  EXPECT_EQ(listed.back().name, "bare");

  EXPECT_EQ(ChooseWorkspace(store, "acme").value(), acme.value());
  EXPECT_EQ(ChooseWorkspace(store, "").value(), first.value());
  EXPECT_EQ(ChooseWorkspace(store, "nope").message(), "no workspace named nope");
}

TYPED_TEST(MetaStoreTest, HealthIsOkWhileTheDatabaseAnswers) {
  EXPECT_TRUE(this->accounts().Health().ok());
}

// PostgreSQL only: the server goes away and comes back.
class PostgresMetaStoreTest : public MetaStoreTest<PostgresBackend> {};

TEST_F(PostgresMetaStoreTest, AStoppedServerIsReportedAndTheStoreRecoversWhenItIsBack) {
  int64_t anna = AddAccount("anna");
  postgres_->Stop();
  EXPECT_FALSE(accounts().FindAccount(anna).has_value());
  Status health = accounts().Health();
  ASSERT_FALSE(health.ok());
  EXPECT_NE(health.message().find("PostgreSQL at 127.0.0.1:" + std::to_string(postgres_->port()) +
                                  "/postgres is unreachable"),
            std::string::npos)
      << health.message();
  EXPECT_FALSE(accounts().PutLayout(kMain, "account", "1", "desktop", "{}", 1).ok());
  postgres_->Start();
  ASSERT_TRUE(postgres_->error().empty()) << postgres_->error();
  EXPECT_TRUE(accounts().Health().ok());
  ASSERT_TRUE(accounts().FindAccount(anna).has_value());
  EXPECT_EQ(accounts().FindAccount(anna)->login, "anna");
}

TEST_F(PostgresMetaStoreTest, ServersStartingAtOnceMakeOneDefaultWorkspace) {
  constexpr int kServers = 4;
  std::vector<std::thread> threads;
  std::vector<int64_t> ids(kServers, 0);
  for (int i = 0; i < kServers; ++i) {
    threads.emplace_back([&, i] {
      Result<MetaStore> opened = OpenMetaStore(postgres_->uri(), "");
      if (!opened.ok()) return;
      Result<int64_t> id = opened->workspaces->EnsureDefaultWorkspace();
      if (id.ok()) ids[static_cast<size_t>(i)] = id.value();
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int64_t id : ids) EXPECT_EQ(id, ids.front());
  EXPECT_GT(ids.front(), 0);
  EXPECT_EQ(workspaces().Workspaces().size(), 1u);
}

TEST_F(PostgresMetaStoreTest, AnUnreachableServerFailsToOpenWithItsAddress) {
  Result<MetaStore> opened = OpenMetaStore("postgresql://postgres@127.0.0.1:1/none", "");
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.message().rfind("PostgreSQL at 127.0.0.1:1/none is unreachable: ", 0), 0u)
      << opened.message();
}

}  // namespace
}  // namespace voronka
