// Tests for annotate/server.h over real HTTP (cpp-httplib's client): the API, every kind of bad request (4xx and
// nothing written), several annotators at once, and a clean stop. The browser tests (tests/e2e/annotate.test.mjs)
// cover the page, keys and a killed server.
// Eigen (through ginn's headers) before httplib.h: <resolv.h> there defines a macro _res that Eigen uses as a name.
#include "ginn/annotate/server.h"
#include "test_util.h"
#include <httplib.h>

#include <future>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>


namespace ginn {
namespace {

using nlohmann::json;

/// A server on a free loopback port in a background thread, stopped at destruction.
class TestServer {
public:
    explicit TestServer(const std::string& db) {
        thread_ = std::thread([this, db] {
            ServeOptions o;
            o.db = db;
            o.port = 0;
            o.stop = &stop_;
            o.on_ready = [this](const std::string& url, const LabelStore&) { ready_.set_value(std::stoi(url.substr(url.rfind(':') + 1))); };
            try {
                serve_annotations(o);
            } catch (...) {
                ready_.set_exception(std::current_exception());  // only before on_ready: serve throws no later
            }
        });
        port = ready_.get_future().get();
    }
    ~TestServer() {
        stop_ = true;
        thread_.join();
    }
    int port = 0;

private:
    std::atomic<bool> stop_{false};
    std::promise<int> ready_;
    std::thread thread_;
};

httplib::Result post(httplib::Client& c, const std::string& path, const std::string& body) {
    return c.Post(path.c_str(), body, "application/json");
}

TEST(server_test, labels_flow_and_bad_requests_write_nothing) {
    const std::string dir = test::scratch_dir("server_api"), db = dir + "/l.sqlite";
    {
        TestServer server(db);
        httplib::Client c("127.0.0.1", server.port);
        const auto page = c.Get("/");
        ASSERT_TRUE(page);
        EXPECT_EQ(page->status, 200);
        EXPECT_NE(page->body.find("White"), std::string::npos);
        const auto next = post(c, "/api/next", R"({"annotator": "ana"})");
        ASSERT_TRUE(next);
        ASSERT_EQ(next->status, 200);
        const json pair = json::parse(next->body);
        const int64_t id = pair["id"];
        const std::vector<std::pair<std::string, int>> bad = {
            {"{", 400},
            {"[]", 400},
            {"", 400},
            {R"({"annotator": "ana", "id": )" + std::to_string(id) + R"(, "label": "pink"})", 400},
            {R"({"annotator": "ana", "id": )" + std::to_string(id) + R"(, "label": 1})", 400},
            {R"({"annotator": "ana", "id": "1", "label": "grey"})", 400},
            {R"({"annotator": "ana", "id": -1, "label": "grey"})", 400},
            {R"({"annotator": "ana", "id": 1e300, "label": "grey"})", 400},
            {R"({"annotator": "a\"b", "id": 1, "label": "grey"})", 400},
            {R"({"id": 1, "label": "grey"})", 400},
            {R"({"annotator": "bob", "id": )" + std::to_string(id) + R"(, "label": "grey"})", 409},  // not served to bob
            {R"({"annotator": "ana", "id": 777, "label": "grey"})", 409},                          // never served
            {R"({"annotator": "ana", "id": 1, "label": ")" + std::string(5000, 'x') + "\"}", 413},  // too large
        };
        for (const auto& [body, status] : bad) {
            const auto r = post(c, "/api/answer", body);
            ASSERT_TRUE(r) << body.substr(0, 80);
            EXPECT_EQ(r->status, status) << body.substr(0, 80);
        }
        EXPECT_EQ(c.Get("/api/answer")->status, 404);
        const auto ok = post(c, "/api/answer", R"({"annotator": "ana", "id": )" + std::to_string(id) + R"(, "label": "black"})");
        ASSERT_TRUE(ok);
        ASSERT_EQ(ok->status, 200);
        const json reply = json::parse(ok->body);
        EXPECT_EQ(reply["done"], 1);
        EXPECT_NE(reply["next"]["id"], id);
        const auto twice = post(c, "/api/answer", R"({"annotator": "ana", "id": )" + std::to_string(id) + R"(, "label": "grey"})");
        EXPECT_EQ(twice->status, 409);
    }
    const auto answers = read_labels(db);
    ASSERT_EQ(answers.size(), 1u);  // only the good answer
    EXPECT_EQ(answers[0].label, 1);
}

TEST(server_test, several_annotators_at_once_lose_nothing) {
    const std::string dir = test::scratch_dir("server_many"), db = dir + "/l.sqlite";
    constexpr int n_annotators = 4, n_each = 50;
    {
        TestServer server(db);
        std::vector<std::thread> clients;
        for (int a = 0; a < n_annotators; ++a)
            clients.emplace_back([&, a] {
                httplib::Client c("127.0.0.1", server.port);
                const std::string name = "annotator " + std::to_string(a);
                const auto first = post(c, "/api/next", json{{"annotator", name}}.dump());
                if (!first) return;
                json pair = json::parse(first->body);
                for (int i = 0; i < n_each; ++i) {
                    const auto r = post(c, "/api/answer", json{{"annotator", name}, {"id", pair["id"]}, {"label", label_name(i % 3)}}.dump());
                    if (!r || r->status != 200) return;
                    pair = json::parse(r->body)["next"];
                }
            });
        for (auto& t : clients) t.join();
    }
    const auto answers = read_labels(db);
    EXPECT_EQ(answers.size(), size_t(n_annotators * n_each));
    std::map<std::string, int> per;
    for (const auto& a : answers) ++per[a.annotator];
    for (const auto& [name, n] : per) EXPECT_EQ(n, n_each) << name;
}

TEST(server_test, a_taken_port_is_one_error_line) {
    const std::string dir = test::scratch_dir("server_port");
    TestServer server(dir + "/a.sqlite");
    ServeOptions o;
    o.db = dir + "/b.sqlite";
    o.port = server.port;
    test::expect_error([&] { serve_annotations(o); }, {"cannot listen", "--port"});
}

}  // namespace
}  // namespace ginn
