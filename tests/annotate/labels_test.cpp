// Tests for annotate/labels.h: the store (serve, answer, restart), the designs, the CSV export and reader on good and
// bad files, and the S4 dataset (majority with ties, each answer).
#include <filesystem>
#include <set>
#include <vector>

#include "ginn/annotate/labels.h"
#include "ginn/core/io.h"
#include "test_util.h"

namespace ginn {
namespace {

TEST(labels_test, serve_answer_and_restart_keep_every_answer_once) {
    const std::string dir = test::scratch_dir("labels_store"), db = dir + "/l.sqlite";
    int64_t pending = 0;
    {
        LabelStore store(db);
        const ServedPair a = store.serve("ana");
        EXPECT_EQ(store.serve("ana").id, a.id);  // unanswered: the same pair again
        EXPECT_TRUE(store.answer("ana", a.id, 2));
        EXPECT_FALSE(store.answer("ana", a.id, 1));   // answered already
        const ServedPair b = store.serve("bob");
        EXPECT_NE(b.id, a.id);
        EXPECT_FALSE(store.answer("ana", b.id, 0));   // served to bob, not ana
        EXPECT_FALSE(store.answer("bob", b.id, 3));   // no such label
        EXPECT_FALSE(store.answer("bob", 999, 0));    // never served
        EXPECT_EQ(store.n_answers(), 1);
        pending = b.id;
    }
    LabelStore again(db, Design::stratified, 99);  // an existing database keeps its design and seed
    EXPECT_EQ(again.design(), Design::uniform);
    EXPECT_EQ(again.seed(), 1u);
    EXPECT_EQ(again.serve("bob").id, pending);
    EXPECT_TRUE(again.answer("bob", pending, 1));
    const auto answers = again.answers();
    ASSERT_EQ(answers.size(), 2u);
    EXPECT_EQ(answers[0].annotator, "ana");
    EXPECT_EQ(answers[0].label, 2);
    EXPECT_EQ(answers[1].label, 1);
    const auto first = design_pair(Design::uniform, 1, 0);
    EXPECT_EQ(answers[0].x1, first.first);
    EXPECT_EQ(answers[0].x2, first.second);
}

TEST(labels_test, stratified_design_visits_every_cell_once_per_round) {
    for (int round = 0; round < 3; ++round) {
        std::set<int> cells;
        for (int k = 256 * round; k < 256 * (round + 1); ++k) {
            const auto [x1, x2] = design_pair(Design::stratified, 5, k);
            ASSERT_TRUE(x1 >= 0 && x1 <= 255 && x2 >= 0 && x2 <= 255);
            cells.insert(x1 / 16 + 16 * (x2 / 16));
        }
        EXPECT_EQ(cells.size(), 256u);
    }
    EXPECT_NE(design_pair(Design::uniform, 1, 0), design_pair(Design::uniform, 2, 0));
}

TEST(labels_test, lattice_design_serves_every_lattice_pair_once_per_round) {
    for (int round = 0; round < 3; ++round) {
        std::set<std::pair<int, int>> pairs;
        for (int k = 256 * round; k < 256 * (round + 1); ++k) {
            const auto pair = design_pair(Design::lattice, 7, k);
            ASSERT_TRUE(pair.first % 17 == 0 && pair.second % 17 == 0 && pair.first <= 255 && pair.second <= 255)
                << pair.first << "," << pair.second;
            pairs.insert(pair);
        }
        EXPECT_EQ(pairs.size(), 256u);  // 256 distinct lattice pairs: every one of the 16 x 16
        EXPECT_TRUE(pairs.count({255, 255}) && pairs.count({0, 0}) && pairs.count({0, 255}) && pairs.count({255, 0}));
    }
    std::vector<std::pair<int, int>> a, b;  // the order is seeded: another seed or round, another order
    for (int k = 0; k < 256; ++k) {
        a.push_back(design_pair(Design::lattice, 7, k));
        b.push_back(design_pair(Design::lattice, 7, k + 256));
    }
    EXPECT_NE(a, b);
    EXPECT_EQ(design_from_name(design_name(Design::lattice)), Design::lattice);
    test::expect_error([] { design_from_name("grid"); }, {"uniform, stratified or lattice"});
}

TEST(labels_test, names_are_checked) {
    test::expect_error([] { check_annotator(""); }, {"annotator"});
    test::expect_error([] { check_annotator("a,b"); }, {"not allowed"});
    test::expect_error([] { check_annotator(std::string(41, 'a')); }, {"1..40"});
    check_annotator("Ana M. 2_x-y");
    EXPECT_EQ(label_from_name("grey"), 2);
    EXPECT_EQ(label_from_name("gray"), -1);
}

TEST(labels_test, export_round_trips_and_trains_as_s4) {
    const std::string dir = test::scratch_dir("labels_export"), db = dir + "/l.sqlite";
    {
        LabelStore store(db);
        for (int i = 0; i < 5; ++i) {
            const ServedPair p = store.serve(i % 2 ? "ana" : "bob");
            ASSERT_TRUE(store.answer(i % 2 ? "ana" : "bob", p.id, i % 3));
        }
    }
    EXPECT_EQ(export_labels_csv(db, dir + "/s4.csv"), 5);
    const std::string text = read_file(dir + "/s4.csv");
    EXPECT_EQ(text.rfind("# ginn-labels 1\nx1,x2,label,annotator,time\n", 0), 0u);
    const auto from_csv = read_labels(dir + "/s4.csv"), from_db = read_labels(db);
    ASSERT_EQ(from_csv.size(), 5u);
    for (size_t i = 0; i < 5; ++i) {
        EXPECT_EQ(from_csv[i].x1, from_db[i].x1);
        EXPECT_EQ(from_csv[i].label, from_db[i].label);
        EXPECT_EQ(from_csv[i].time, from_db[i].time);
    }
    TaskSpec spec;
    spec.target = dir + "/s4.csv";
    const Dataset d = make_dataset(spec);
    EXPECT_EQ(d.n_classes, 3);
    EXPECT_EQ(d.size(), 5);  // five distinct pairs
    EXPECT_EQ(d.domain.x0, -0.5);
    EXPECT_EQ(d.X(2, 0), float(from_db[2].x1));
    spec.target = db;
    EXPECT_EQ(make_dataset(spec).label, d.label);
    spec.answers = "sometimes";
    test::expect_error([&] { make_dataset(spec); }, {"answers", "majority or each"});
}

TEST(labels_test, majority_ties_go_to_white_then_black_then_grey_and_each_keeps_all) {
    const std::string dir = test::scratch_dir("labels_majority"), csv = dir + "/s4.csv";
    write_file_atomic(csv, "# ginn-labels 1\nx1,x2,label,annotator,time\n"
                           "1,2,grey,a,t\n1,2,black,b,t\n"     // a tie black-grey: black
                           "9,9,grey,a,t\n9,9,white,b,t\n"     // a tie white-grey: white
                           "5,5,grey,a,t\n5,5,grey,b,t\n5,5,black,c,t\n");  // grey by 2 to 1
    const Dataset m = labels_dataset(csv, Answers::majority);
    EXPECT_EQ(m.label, (std::vector<int32_t>{1, 0, 2}));
    const Dataset e = labels_dataset(csv, Answers::each);
    EXPECT_EQ(e.size(), 7);
    EXPECT_EQ(e.label, (std::vector<int32_t>{2, 1, 2, 0, 2, 2, 1}));
}

TEST(labels_test, bad_labels_files_give_one_line_naming_the_line) {
    const std::string dir = test::scratch_dir("labels_bad"), csv = dir + "/s4.csv";
    const std::string head = "# ginn-labels 1\nx1,x2,label,annotator,time\n";
    const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
        {"# ginn-labels 2\nx1,x2,label,annotator,time\n", {"s4.csv:1", "another format version"}},
        {"# ginn-labels 1\nx,y,label\n", {"s4.csv:2", "header"}},
        {head + "256,0,grey,a,t\n", {"s4.csv:3", "0..255"}},
        {head + "-1,0,grey,a,t\n", {"s4.csv:3", "grey levels"}},
        {head + "1,0,gray,a,t\n", {"s4.csv:3", "bad label 'gray'"}},
        {head + "1,0,grey,a\n", {"s4.csv:3", "4 fields"}},
        {head + "1,0,grey,a;DROP,t\n", {"s4.csv:3", "not allowed"}},
        {head + "1,0,grey,a,\n", {"s4.csv:3", "bad time"}},
        {head, {"s4.csv", "no answers"}},
    };
    for (const auto& [text, parts] : cases) {
        write_file_atomic(csv, text);
        test::expect_error([&] { labels_dataset(csv, Answers::majority); }, parts);
    }
    write_file_atomic(dir + "/junk.sqlite", "not a database at all, just text");
    test::expect_error([&] { read_labels(dir + "/junk.sqlite"); }, {"junk.sqlite", "not a database"});
    test::expect_error([&] { read_labels(dir + "/missing.sqlite"); }, {"missing.sqlite", "does not exist"});
    test::expect_error([&] { export_labels_csv(dir + "/missing.sqlite", dir + "/x.csv"); }, {"does not exist"});
    EXPECT_FALSE(std::filesystem::exists(dir + "/x.csv"));
}

}  // namespace
}  // namespace ginn
