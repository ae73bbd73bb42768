#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <stdexcept>
#include <string_view>

#include "storyline/extractor/extractor.hpp"
#include "storyline/extractor/json_out.hpp"
#include "extract_support.hpp"
#include "test_support.hpp"

using namespace storyline::extractor;

namespace {

using testing::extractor;

using testing::relation;
using testing::run;

const Entity* entity(const Extraction& x, const std::string& name) {
  for (const auto& e : x.entities)
    if (e.name == name) return &e;
  return nullptr;
}

bool has_alias(const Entity& e, const std::string& a) {
  return std::find(e.aliases.begin(), e.aliases.end(), a) != e.aliases.end();
}

std::vector<std::string> names(const Extraction& x) {
  std::vector<std::string> out;
  for (const auto& e : x.entities) out.push_back(e.type + ":" + e.name);
  return out;
}

}  // namespace

TEST_SUITE("extractor.entities") {

TEST_CASE("organisation suffixes, short forms and people's surnames merge into one entity") {
  auto x = run("Nintendo Co. said on Monday that Akio Toyoda would step aside. Nintendo named Koji Sato. "
               "Toyoda will remain chairman, Nintendo said.");
  const Entity* toyota = entity(x, "Nintendo");
  REQUIRE(toyota);
  CHECK(toyota->type == "ORG");
  CHECK(has_alias(*toyota, "Nintendo Co."));
  CHECK(toyota->mentions.size() == 3);
  CHECK(toyota->id == "org:nintendo");
  const Entity* toyoda = entity(x, "Akio Toyoda");
  REQUIRE(toyoda);
  CHECK(toyoda->type == "PER");
  CHECK(has_alias(*toyoda, "Toyoda"));
  CHECK(toyoda->mentions.size() == 2);
}

TEST_CASE("sentence-initial function words and common words are not entities") {
  auto x = run("While markets fell, investors bought. Shares of Siemens AG rose. But analysts disagreed. "
               "As expected, growth slowed. Growth returned in Berlin.");
  for (const auto& n : names(x)) {
    CHECK(n.find("While") == std::string::npos);
    CHECK(n.find("Shares") == std::string::npos);
    CHECK(n.find(":But") == std::string::npos);
    CHECK(n.find(":As") == std::string::npos);
    CHECK(n.find("Growth") == std::string::npos);
  }
  CHECK(entity(x, "Siemens"));
}

TEST_CASE("places come from the gazetteer, titles and roles mark people") {
  auto x = run("Prime Minister Fumio Kishida met President Emmanuel Macron in Paris, France, and later flew to "
               "New York.");
  REQUIRE(entity(x, "Paris"));
  CHECK(entity(x, "Paris")->type == "LOC");
  REQUIRE(entity(x, "France"));
  CHECK(entity(x, "France")->type == "LOC");
  REQUIRE(entity(x, "New York"));
  REQUIRE(entity(x, "Fumio Kishida"));
  CHECK(entity(x, "Fumio Kishida")->type == "PER");
  REQUIRE(entity(x, "Emmanuel Macron"));
  CHECK(entity(x, "Emmanuel Macron")->type == "PER");
  CHECK_FALSE(entity(x, "Prime Minister Fumio Kishida"));
}

TEST_CASE("hyphenated pairs of known names split into both entities") {
  auto x = run("Peugeot SA and Fiat Chrysler Automobiles NV agreed to merge. The Peugeot-Fiat deal was approved.");
  const Entity* p = entity(x, "Peugeot");
  REQUIRE(p);
  REQUIRE(p->mentions.size() == 2);
  CHECK(p->mentions[1].text == "Peugeot");
  REQUIRE(entity(x, "Fiat Chrysler Automobiles"));
  CHECK(entity(x, "Fiat Chrysler Automobiles")->mentions.size() == 2);
  CHECK_FALSE(entity(x, "Peugeot-Fiat"));
}

TEST_CASE("acronyms defined in brackets are aliases") {
  auto x = run("The Federal Aviation Administration (FAA) grounded the jet. The FAA later lifted the order.");
  const Entity* faa = entity(x, "Federal Aviation Administration");
  REQUIRE(faa);
  CHECK(faa->type == "ORG");
  CHECK(has_alias(*faa, "FAA"));
  CHECK(faa->mentions.size() == 3);
}

TEST_CASE("title-case headlines only name what the body confirms") {
  auto x = run("Carmaker Stellantis Opens New Plant In Ohio\n\nStellantis NV opened a factory in Ohio on Tuesday.");
  CHECK_FALSE(entity(x, "Opens New Plant"));
  CHECK_FALSE(entity(x, "Carmaker Stellantis Opens New Plant In Ohio"));
  const Entity* s = entity(x, "Stellantis");
  REQUIRE(s);
  CHECK(s->mentions.size() == 2);
}

TEST_CASE("non-ASCII names keep byte offsets") {
  std::string text = "Jürgen Schrempp led Daimler-Benz AG. Schrempp said Daimler-Benz would grow.";
  auto x = run(text);
  const Entity* j = entity(x, "Jürgen Schrempp");
  REQUIRE(j);
  CHECK(j->mentions[0].start == 0);
  CHECK(j->mentions[0].end == std::string("Jürgen Schrempp").size());
  CHECK(text.substr(j->mentions[1].start, j->mentions[1].end - j->mentions[1].start) == "Schrempp");
}

}  // TEST_SUITE

TEST_SUITE("extractor.relations") {

TEST_CASE("role patterns: ORG ROLE PER, PER, ROLE of ORG, ORG's ROLE PER, with former") {
  auto x = run("Former Acme Corp. chief executive Jane Holloway joined Globex Inc. on Monday. "
               "Tom Reyes, the chairman of Initech LLC, agreed. Globex's chairman Ravi Patel said so.");
  const Entity* jane = entity(x, "Jane Holloway");
  REQUIRE(jane);
  const Relation* r1 = relation(x, jane->id, "role_of", "org:acme");
  REQUIRE(r1);
  SUBCASE("the roles, their qualifiers and evidence") {
    CHECK(r1->qualifier == "former chief executive");
    CHECK_FALSE(relation(x, jane->id, "role_of", "org:globex"));
    const Relation* r2 = relation(x, "per:tom-reyes", "role_of", "org:initech");
    REQUIRE(r2);
    CHECK(r2->qualifier == "chairman");
    CHECK(relation(x, "per:ravi-patel", "role_of", "org:globex"));
    CHECK(r1->evidence.size() == 1);
    CHECK(r1->evidence[0].sentence == 0);
  }
  SUBCASE("a relation's source and target are the indices of the entities it names") {
    CHECK(&x.entities[r1->source] == jane);
    CHECK(x.entities[r1->target].id == "org:acme");
    CHECK(x.entities[r1->target].type == "ORG");
    // Every relation names two entities of x; the JSON writes their ids and reads back the indices.
    REQUIRE(x.relations.size() > 3);
    const std::string compact = to_json(x, -1);
    const auto tree = nlohmann::json::parse(compact);
    REQUIRE(tree["relations"].size() == x.relations.size());
    const auto back = from_compact_json(compact);
    REQUIRE(back.has_value());
    REQUIRE(back->relations.size() == x.relations.size());
    for (std::size_t i = 0; i < x.relations.size(); ++i) {
      const Relation& r = x.relations[i];
      INFO("relation " << i);
      REQUIRE(r.source < x.entities.size());
      REQUIRE(r.target < x.entities.size());
      CHECK(r.source != r.target);
      CHECK(tree["relations"][i]["source"] == x.entities[r.source].id);
      CHECK(tree["relations"][i]["target"] == x.entities[r.target].id);
      CHECK(tree["relations"][i]["type"] == r.type.name());
      CHECK(back->relations[i].source == r.source);
      CHECK(back->relations[i].target == r.target);
      CHECK(back->relations[i].type == r.type);
    }
    // An index that is no entity of x: to_json throws before writing anything.
    Extraction bad = x;
    bad.relations.back().target = bad.entities.size();
    CHECK_THROWS_AS(to_json(bad, -1), std::out_of_range);
    JsonOut out;
    out.append("kept");
    CHECK_THROWS_AS(to_json(bad, out), std::out_of_range);
    CHECK(out.view() == "kept");
  }
}

TEST_CASE("from_compact_json maps relation ids to entity indices: many entities, alike ids, a repeated id") {
  Extraction x;
  x.document.id = "d";
  auto add = [&](const std::string& id) {
    x.entities.emplace_back().id = id;
    return x.entities.size() - 1;
  };
  for (int i = 0; i < 100; ++i) add("e" + std::to_string(i));   // short ids
  // Long ids alike in length and in their first and last eight bytes (the reader's hash looks there).
  for (int i = 0; i < 20; ++i) add("per:aaaaaaaa-" + std::to_string(10 + i) + "-zzzzzzzz");
  add("");
  const std::size_t first_x = add("org:x");
  const std::size_t again_x = add("org:x");   // a repeated id: read back as the first entity with it
  for (std::size_t i = 0; i < x.entities.size(); ++i) {
    Relation& r = x.relations.emplace_back();
    r.source = i;
    r.target = (i * 37 + 11) % x.entities.size();
    r.type = RelationType(i % 2 ? "co_occurs" : "role_of");
  }
  const std::string compact = to_json(x, -1);
  const auto back = from_compact_json(compact);
  REQUIRE(back.has_value());
  REQUIRE(back->relations.size() == x.relations.size());
  for (std::size_t i = 0; i < x.relations.size(); ++i) {
    INFO("relation " << i);
    auto expect = [&](std::size_t e) { return e == again_x ? first_x : e; };
    CHECK(back->relations[i].source == expect(x.relations[i].source));
    CHECK(back->relations[i].target == expect(x.relations[i].target));
    CHECK(back->relations[i].type == x.relations[i].type);
  }
  CHECK(to_json(*back, -1) == compact);
  // An id like the alike ones but no entity's: refused.
  std::string unknown = compact;
  const std::string known = "\"target\":\"per:aaaaaaaa-10-zzzzzzzz\"";
  const std::size_t at = unknown.find(known);
  REQUIRE(at != std::string::npos);
  CHECK(from_compact_json(unknown.replace(at, known.size(), "\"target\":\"per:aaaaaaaa-99-zzzzzzzz\"")) == std::nullopt);
}

TEST_CASE("relation types are interned names: equal by name, ordered by name, never dangling") {
  RelationType a("role_of");
  {
    std::string name = "role_of";
    const RelationType b(name);
    name = "changed";
    CHECK(a == b);
    CHECK(b.name() == "role_of");
  }
  CHECK(a == "role_of");
  CHECK(a != "role_of ");
  CHECK(RelationType().empty());
  CHECK(RelationType() == "");
  CHECK(RelationType("") == RelationType());
  CHECK(RelationType("co_occurs") < RelationType("role_of"));
  CHECK(RelationType("role_of") > RelationType("partner_of"));
  CHECK(std::string_view(a) == "role_of");
  CHECK(sizeof(RelationType) == sizeof(void*));
}

TEST_CASE("dismissals and resignations leave a former role") {
  auto x = run("Globex Inc. fired its chief executive Jane Holloway on Monday. "
               "Tom Reyes resigned as chairman of Initech LLC.");
  const Relation* fired = relation(x, "per:jane-holloway", "role_of", "org:globex");
  REQUIRE(fired);
  CHECK(fired->qualifier == "former chief executive");
  const Relation* quit = relation(x, "per:tom-reyes", "role_of", "org:initech");
  REQUIRE(quit);
  CHECK(quit->qualifier == "former chairman");
}

TEST_CASE("partnership pairs and co-occurrence with weights") {
  auto x = run("Airbus SE and Boeing Co. compete. The Airbus-Boeing rivalry is old. Airbus and Boeing sell jets.");
  const Relation* co = relation(x, "org:airbus", "co_occurs", "org:boeing");
  REQUIRE(co);
  CHECK(co->weight == doctest::Approx(1.5));
  CHECK(co->evidence.size() == 3);
  CHECK_FALSE(relation(x, "org:airbus", "partner_of", "org:boeing"));
  auto y = run("Honda Motor Co. and Sony Group Corp. formed a venture. The Sony-Honda alliance makes cars.");
  REQUIRE(entity(y, "Honda Motor"));
  REQUIRE(entity(y, "Sony"));
  CHECK(relation(y, entity(y, "Honda Motor")->id, "partner_of", entity(y, "Sony")->id));
}

TEST_CASE("based_in from X-based and based in") {
  auto x = run("Kyoto-based Nintendo Co. grew. Spotify Technology SA, based in Stockholm, listed shares.");
  CHECK(relation(x, "org:nintendo", "based_in", "loc:kyoto"));
  CHECK(relation(x, "org:spotify-technology", "based_in", "loc:stockholm"));
}

}  // TEST_SUITE

TEST_SUITE("extractor.events") {

TEST_CASE("passive arrest inside a relative clause: the antecedent is the patient, the timex the date") {
  auto x = run("The bank was hurt by the exit of former Acme Corp. CEO Jane Holloway, who was arrested in Brazil in "
               "2017 on fraud charges.");
  REQUIRE(!x.events.empty());
  const Event* arrest = nullptr;
  for (const auto& e : x.events)
    if (e.type == "arrest") arrest = &e;
  REQUIRE(arrest);
  REQUIRE(arrest->date);
  CHECK(*arrest->date == "2017");
  CHECK(arrest->date_source == "text");
  REQUIRE(arrest->participants.size() >= 2);
  CHECK(arrest->participants[0].entity == "per:jane-holloway");
  CHECK(arrest->participants[0].role == "patient");
  CHECK(arrest->participants[1].entity == "loc:brazil");
  CHECK(arrest->participants[1].role == "place");
  CHECK(arrest->summary == "Jane Holloway arrested in Brazil");
}

TEST_CASE("present perfect takes the article date; negation and modals are marked") {
  auto x = run("Globex Inc. has launched a new phone. Initech LLC did not acquire Globex. Acme Corp. may sell its unit.",
               "2024-03-05");
  REQUIRE(x.events.size() == 3);
  CHECK(x.events[0].type == "launch");
  REQUIRE(x.events[0].date);
  CHECK(*x.events[0].date == "2024-03-05");
  CHECK(x.events[0].date_source == "document");
  CHECK(x.events[0].modality == "asserted");
  CHECK(x.events[1].type == "acquisition");
  CHECK(x.events[1].modality == "negated");
  CHECK(x.events[2].type == "sale");
  CHECK(x.events[2].modality == "hypothetical");
  CHECK_FALSE(x.events[1].date);
  CHECK(x.events[1].date_source == "none");
}

TEST_CASE("light coreference: 'the two companies' and 'he' stand for the entities named before") {
  auto x = run("Acme Corp. and Globex Inc. held talks in Paris on Monday. The two companies have launched a joint "
               "venture. Jane Holloway leads Acme. He has resigned.",
               "2024-03-05");
  const Event* launch = nullptr;
  for (const auto& e : x.events)
    if (e.type == "launch") launch = &e;
  REQUIRE(launch);
  REQUIRE(launch->participants.size() == 2);
  CHECK(launch->participants[0].entity == "org:acme");
  CHECK(launch->participants[1].entity == "org:globex");
  CHECK(launch->summary == "Acme and Globex launched a joint venture");
  // References are not reported as entity mentions (they are not names).
  CHECK(entity(x, "Acme")->mentions.size() == 2);
}

namespace {
const Event* first_of(const Extraction& x, const std::string& type) {
  for (const auto& e : x.events)
    if (e.type == type) return &e;
  return nullptr;
}
std::size_t count_of(const Extraction& x, const std::string& type) {
  std::size_t n = 0;
  for (const auto& e : x.events) n += e.type == type;
  return n;
}
}  // namespace

TEST_CASE("issue 5: a noun after 'after' refers to an event told before and orders its clause") {
  auto x = run("Globex Inc. bought Initech LLC on 3 May 2021. Jane Holloway resigned from Globex after the "
               "acquisition.");
  CHECK(count_of(x, "acquisition") == 1);
  const Event* acq = first_of(x, "acquisition");
  const Event* res = first_of(x, "resignation");
  REQUIRE(acq);
  REQUIRE(res);
  REQUIRE(res->order.size() == 1);
  CHECK(res->order[0].relation == "after");
  CHECK(res->order[0].event == acq->id);
  CHECK(res->order[0].cue == "after the acquisition");
}

TEST_CASE("issue 5: 'A, weeks after B' orders A after B and B does not take A's date") {
  auto x = run("Acme Corp. sold its chip unit to Globex Inc. in June 2020, three weeks after Initech LLC sued Acme.");
  const Event* sale = first_of(x, "sale");
  const Event* suit = first_of(x, "lawsuit");
  REQUIRE(sale);
  REQUIRE(suit);
  REQUIRE(sale->date);
  CHECK(*sale->date == "2020-06");
  CHECK_FALSE(suit->date);
  REQUIRE(sale->order.size() == 1);
  CHECK(sale->order[0].relation == "after");
  CHECK(sale->order[0].event == suit->id);
}

TEST_CASE("issue 5: 'before the vote' gives a before constraint; 'over the spill' is only a reference") {
  auto x = run("Initech LLC settled with Ruritania over the oil spill on 2 March 2019. Jane Holloway quit Initech "
               "on 4 April 2019. Globex Inc. fired Jane Holloway on 4 April 2019 before the resignation.");
  CHECK(count_of(x, "accident") == 0);
  const Event* fired = first_of(x, "dismissal");
  REQUIRE(fired);
  REQUIRE(fired->order.size() == 1);
  CHECK(fired->order[0].relation == "before");
  CHECK(fired->order[0].event == first_of(x, "resignation")->id);
}

TEST_CASE("issue 5: the same event told twice is one event with both tellings as evidence") {
  auto x = run("Globex Inc. acquired Initech LLC in 2022. Analysts cheered. Globex Inc. acquired Initech LLC on "
               "4 April 2022, paying $2 billion.");
  REQUIRE(count_of(x, "acquisition") == 1);
  const Event* acq = first_of(x, "acquisition");
  REQUIRE(acq->date);
  CHECK(*acq->date == "2022-04-04");          // the narrower date wins
  CHECK(acq->sentence == 2);
  REQUIRE(acq->evidence.size() == 1);
  CHECK(acq->evidence[0].sentence == 0);
  REQUIRE(acq->amount);
  CHECK(*acq->amount == "$2 billion");
}

TEST_CASE("issue 5: 'days later' carries the date of the sentence before (anaphoric)") {
  auto x = run("Acme Corp. fired its auditor on 2 March 2021. Globex Inc. sued Acme days later.");
  const Event* suit = first_of(x, "lawsuit");
  REQUIRE(suit);
  REQUIRE(suit->date);
  CHECK(*suit->date == "2021-03-02");
  CHECK(suit->date_source == "anaphoric");
}

TEST_CASE("issue 5: 'The acquisition closed on ...' is the acquisition told before, with its own date") {
  auto x = run("Globex Inc. agreed to buy Initech LLC in March 2023. The acquisition closed on 9 June 2023.");
  REQUIRE(count_of(x, "acquisition") == 2);
  const Event& closed = x.events[1];
  REQUIRE(closed.date);
  CHECK(*closed.date == "2023-06-09");
  REQUIRE(!closed.participants.empty());
  CHECK(closed.participants[0].entity == "org:globex");
  CHECK(closed.summary.rfind("Globex acquired", 0) == 0);
}

TEST_CASE("issue 5: 'announced that she would resign' is an asserted resignation") {
  auto x = run("Jane Holloway announced on 2 May 2022 that she would resign. Tom Baker said he might resign.");
  REQUIRE(count_of(x, "resignation") == 2);
  CHECK(x.events[0].modality == "asserted");
  REQUIRE(x.events[0].date);
  CHECK(*x.events[0].date == "2022-05-02");
  CHECK(x.events[1].modality == "hypothetical");
}

TEST_CASE("issue 5: every person of an object list is a patient; 'offered to buy' is hypothetical") {
  auto x = run("Acme Corp. fired John Smith, finance chief Mary Jones and Peter Brown on 1 June 2020. Globex Inc. "
               "offered to buy Acme on 3 June 2020.");
  const Event* fired = first_of(x, "dismissal");
  REQUIRE(fired);
  std::size_t patients = 0;
  for (const auto& p : fired->participants) patients += p.role == "patient";
  CHECK(patients == 3);
  const Event* buy = first_of(x, "acquisition");
  REQUIRE(buy);
  CHECK(buy->modality == "hypothetical");
}

TEST_CASE("issue 5: no subject across ', and'; 'the crash' is a noun; the label is not repeated") {
  auto x = run("Jane Holloway spoke on 1 May 2020, and the new logo replaced the old one. Tom Baker won the "
               "election held on 5 May 2021. Ruritania grounded the Zephyr jets after the second crash.");
  CHECK(count_of(x, "appointment") == 0);
  CHECK(count_of(x, "crash") == 0);
  const Event* vote = first_of(x, "election");
  REQUIRE(vote);
  CHECK(vote->summary.find("election held") == std::string::npos);
}

TEST_CASE("issue 5: 'it' is the subject of the sentence's earlier event; 'the 45-year-old' the last person") {
  auto x = run("Globex Inc. signed a deal to buy Initech LLC on 2 May 2020, but it abandoned the deal on 9 May "
               "2020. Jane Holloway was arrested in May. A court convicted the 45-year-old on 1 June 2021.");
  const Event* split = first_of(x, "split");
  REQUIRE(split);
  REQUIRE(!split->participants.empty());
  CHECK(split->participants[0].entity == "org:globex");
  const Event* trial = first_of(x, "trial");
  REQUIRE(trial);
  REQUIRE(!trial->participants.empty());
  CHECK(trial->participants[0].entity == "per:jane-holloway");
}

TEST_CASE("issue 5: a bought stake is a stake unless controlling; 'when' and a bare 'after' keep the date") {
  auto x = run("The venture began in May 2001, when Globex Inc. bought a 20% stake in Initech LLC. Initech LLC "
               "joined the index in June 2004 after Acme Corp. acquired a controlling 60% stake in Initech LLC.");
  const Event* stake = first_of(x, "stake");
  REQUIRE(stake);
  REQUIRE(stake->date);
  CHECK(*stake->date == "2001-05");
  const Event* acq = first_of(x, "acquisition");
  REQUIRE(acq);
  REQUIRE(acq->date);
  CHECK(*acq->date == "2004-06");
}

TEST_CASE("issue 5: 'under the agreement' is a reference; tellings with a participant in other roles stay apart") {
  auto x = run("Under the agreement, Globex Inc. will pay $5 million on 2 May 2020. Tom Baker replaces Jane "
               "Holloway. Jane Holloway became chairman of Globex on 1 March 2019.");
  CHECK(count_of(x, "agreement") == 0);
  CHECK(count_of(x, "appointment") == 2);   // Baker's and Holloway's appointments are not one
}

TEST_CASE("issue 5: 'launched a restructuring' is a restructuring; the departure of a chief is a resignation") {
  auto x = run("Globex Inc. launched a broad restructuring plan in 2015. Shares fell after the departure of Jane "
               "Holloway in March 2016.");
  CHECK(count_of(x, "launch") == 0);
  CHECK(count_of(x, "restructuring") == 1);
  CHECK(count_of(x, "resignation") == 0);   // "after the departure": a reference, not a telling
  auto y = run("The departure of Jane Holloway in March 2016 surprised investors.");
  const Event* dep = first_of(y, "resignation");
  REQUIRE(dep);
  CHECK(dep->participants[0].entity == "per:jane-holloway");
  CHECK(dep->participants[0].role == "agent");
  CHECK(dep->summary.rfind("Jane Holloway resigned", 0) == 0);
}

TEST_CASE("issue 5: 'the explosion' of a type already told, with no date of its own, is no new event") {
  auto x = run("An explosion hit the Globex Inc. refinery on 3 May 2012. A report published in June 2013 found "
               "that the explosion was caused by failures at Globex Inc.");
  CHECK(count_of(x, "accident") == 1);
  const Event* boom = first_of(x, "accident");
  REQUIRE(boom);
  REQUIRE(boom->date);
  CHECK(*boom->date == "2012-05-03");
}

TEST_CASE("issue 5: a name in commas after a noun is no subject; 'replaced him with X' makes X take part") {
  auto x = run("Jane Holloway fired her deputy, Tom Baker, on 4 May 2021 and replaced him with Peter Brown.");
  const Event* fired = first_of(x, "dismissal");
  REQUIRE(fired);
  REQUIRE(fired->participants.size() >= 2);
  CHECK(fired->participants[0].entity == "per:jane-holloway");
  CHECK(fired->participants[1].entity == "per:tom-baker");
  const Event* repl = first_of(x, "appointment");
  REQUIRE(repl);
  REQUIRE(!repl->participants.empty());
  CHECK(repl->participants[0].entity == "per:jane-holloway");
  CHECK(repl->modality == "asserted");   // "4 May 2021 and replaced": May is a month
  bool brown = false;
  for (const auto& p : repl->participants) brown = brown || p.entity == "per:peter-brown";
  CHECK(brown);
}

TEST_CASE("issue 5: a long name does not hide the role that 'named' requires") {
  auto x = run("Globex Inc. named Jean-Baptiste Marie Holloway, then head of sales at Initech LLC, as its chief "
               "executive on 2 June 2022.");
  const Event* named = first_of(x, "appointment");
  REQUIRE(named);
  REQUIRE(named->date);
  CHECK(*named->date == "2022-06-02");
}

TEST_CASE("issue 5: 'cleared the jets to return to service' is an approval") {
  auto x = run("The Ruritanian Aviation Authority cleared the Zephyr jets to return to service on 3 March 2021.");
  const Event* ok = first_of(x, "approval");
  REQUIRE(ok);
  REQUIRE(ok->date);
  CHECK(*ok->date == "2021-03-03");
}

TEST_CASE("issue 5: a name after 'on' is no subject") {
  auto x = run("Globex Inc. shares rose 12% on the Nasdaq Exchange on 2 May 2022, in the largest initial public "
               "offering of the month.");
  const Event* ipo = first_of(x, "ipo");
  REQUIRE(ipo);
  REQUIRE(!ipo->participants.empty());
  CHECK(ipo->participants[0].entity == "org:globex");
}

TEST_CASE("conjoined subjects are all participants") {
  auto x = run("Globex Inc. and Initech LLC have abandoned their merger talks.", "2024-03-05");
  REQUIRE(!x.events.empty());
  CHECK(x.events[0].participants.size() == 2);
  CHECK(x.events[0].summary.rfind("Globex and Initech abandoned", 0) == 0);
  auto y = run("Acme Corp. and Globex Inc. have abandoned their joint venture.", "2024-03-05");
  REQUIRE(!y.events.empty());
  CHECK(y.events[0].summary.rfind("Acme and Globex abandoned", 0) == 0);
}

}  // TEST_SUITE

TEST_SUITE("extractor.document") {

TEST_CASE("offsets are byte spans into the text and sentences cover mentions") {
  std::string text = "Zürich-based Acme AG hired Jean-Luc Picard in Geneva. He resigned in 2021.";
  auto x = run(text);
  for (const auto& e : x.entities)
    for (const auto& m : e.mentions) {
      CHECK(text.substr(m.start, m.end - m.start) == m.text);
      REQUIRE(m.sentence < x.sentences.size());
      CHECK(x.sentences[m.sentence].start <= m.start);
      CHECK(m.end <= x.sentences[m.sentence].end);
    }
  for (const auto& t : x.timexes) CHECK(text.substr(t.start, t.end - t.start) == t.text);
}

TEST_CASE("same input, byte-identical JSON") {
  std::string text = testsupport::slurp(testsupport::source_dir() + "/examples/nissan_renault.txt");
  REQUIRE(!text.empty());
  CHECK(to_json(run(text, "2023-02-07")) == to_json(run(text, "2023-02-07")));
}

TEST_CASE("relation weights are written as nlohmann::json writes doubles") {
  // The writer prints halves itself and hands every other double to nlohmann: the bytes must be
  // the same either way.
  Extraction x;
  x.entities.resize(2);
  x.entities[0].id = "a";
  x.entities[1].id = "b";
  const std::vector<double> weights = {0.0, -0.0, 0.5, 1.0, 1.5, 2.0, 12.5, -2.5, 1999999.5, 2000000.5,
                                       3e6, 0.25, 0.1, 1.0 / 3, 1e-7, 1e20, -7.0};
  for (double w : weights) {
    Relation r;
    r.source = 0;
    r.target = 1;
    r.type = RelationType("co_occurs");
    r.weight = w;
    x.relations.push_back(r);
  }
  const std::string json = to_json(x, -1);
  std::size_t at = 0;
  for (double w : weights) {
    const std::string want = "\"weight\":" + nlohmann::json(w).dump() + ",";
    INFO("weight " << w << " should be written " << want);
    const std::size_t found = json.find(want, at);
    REQUIRE(found != std::string::npos);
    at = found + want.size();
  }
}

TEST_CASE("extract JSON: compact and indented output are nlohmann's layout of the same document") {
  // Text that looks like JSON structure, escapes, invalid UTF-8 and empty arrays: the indented form
  // is made by re-indenting the compact one, so structure characters inside strings must survive.
  Extraction x;
  x.document.id = "say \"{a}, [b]: c\" end";
  x.document.source = "C:\\path\\{x}\\";   // ends in a backslash: "...\\\\" closes the string
  x.document.date = "2020-01-02";
  x.document.date_source = "given";
  x.sentences.push_back({0, 10});
  Entity e;
  e.id = "org:a,b";
  e.name = "A{,}B: \"C\"";
  e.type = "ORG";
  e.aliases = {"x\ty", "\xff\xfe bad", "", "\x01ctl"};
  e.mentions.push_back({1, 2, "[]{}", 0});
  x.entities.push_back(e);
  x.entities.push_back(Entity{});   // no aliases, no mentions: "[]"
  Event ev;
  ev.id = "e1";
  ev.order.push_back({"before", "e2", ":"});
  x.events.push_back(ev);
  Relation r;
  r.source = 0;   // "org:a,b"
  r.target = 1;   // ""
  r.weight = 1.5;
  r.start = "2019";
  x.relations.push_back(r);
  const std::string compact = to_json(x, -1);
  const auto tree = nlohmann::ordered_json::parse(compact);
  CHECK(compact == tree.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  for (int indent : {0, 2, 4}) {
    INFO("indent " << indent);
    CHECK(to_json(x, indent) == tree.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace));
  }
  CHECK(to_json(x, 2, "\n") == to_json(x, 2) + "\n");
  CHECK(to_json(x, -1, "\n") == compact + "\n");
  // Laid out in pieces (json_reindent_to, for outputs too large to hold twice): the same text for
  // any piece size, pieces of about that size, and a refusing reader stops it.
  const std::string whole = storyline::extractor::json_reindent(compact, 2, "\n", 1);
  for (std::size_t chunk : {std::size_t{1}, std::size_t{7}, std::size_t{64}, std::size_t{1} << 20}) {
    INFO("chunk " << chunk);
    std::string joined;
    std::size_t pieces = 0;
    CHECK(storyline::extractor::json_reindent_to(compact, 2, "\n", 1, [&](std::string_view piece) {
      joined.append(piece);
      ++pieces;
      return true;
    }, chunk));
    CHECK(joined == whole);
    CHECK(pieces >= whole.size() / (chunk + compact.size()));
    CHECK(pieces <= whole.size() / chunk + 2);
  }
  std::size_t calls = 0;
  CHECK_FALSE(storyline::extractor::json_reindent_to(compact, 2, "\n", 1, [&](std::string_view) {
    ++calls;
    return false;
  }, 16));
  CHECK(calls == 1);
}

TEST_CASE("from_compact_json reads back what to_json writes, and only that form") {
  const auto ex = Extractor::load(RuleDirs::defaults());
  REQUIRE(ex.ok());
  DocumentInfo info;
  info.id = "d1";
  info.date = "2021-03-04";
  auto x = ex->extract("Acme Corp. said on Monday that its chief executive, Jane Roe, will leave "
                       "Acme in 2022 after the merger with Beta Inc. \"We agreed,\" Roe said in Paris.",
                       info);
  REQUIRE(!x.entities.empty());
  REQUIRE(!x.timexes.empty());
  x.entities[0].aliases.push_back("quote \" back\\slash \x01 tab\t \xC3\xA9 \xF0\x9F\x98\x80");
  REQUIRE(x.entities.size() >= 2);
  Relation r;
  r.source = 1;
  r.target = 0;
  r.weight = 1.0 / 3;
  r.start = "2019";
  x.relations.push_back(r);
  x.events.emplace_back().amount = "$3";
  const std::string compact = to_json(x, -1);
  std::size_t used = 0;
  auto back = from_compact_json(compact + "\n", &used);
  REQUIRE(back.has_value());
  CHECK(used == compact.size());
  CHECK(to_json(*back, -1) == compact);
  CHECK(back->events.back().trigger.sentence == back->events.back().sentence);

  // Escapes a JSON writer may use and to_json does not: read as nlohmann reads them.
  const std::string escaped = "{\"document\":{\"id\":\"a\\/b \\u00e9 \\ud83d\\ude00 \\u0041\",\"source\":\"\","
                              "\"date\":null,\"date_source\":\"none\",\"bytes\":0},\"sentences\":[],\"entities\":["
                              "{\"id\":\"b\",\"name\":\"B\",\"type\":\"ORG\",\"aliases\":[],\"mentions\":[]},"
                              "{\"id\":\"a\",\"name\":\"A\",\"type\":\"ORG\",\"aliases\":[],\"mentions\":[]}],"
                              "\"timexes\":[],\"events\":[],\"relations\":[{\"source\":\"a\",\"target\":\"b\",\"type\":\"t\","
                              "\"qualifier\":\"\",\"weight\":2.50e-1,\"evidence\":[]}]}";
  auto e = from_compact_json(escaped);
  REQUIRE(e.has_value());
  const auto tree = nlohmann::json::parse(escaped);
  CHECK(e->document.id == tree["document"]["id"].get<std::string>());
  CHECK(e->relations[0].weight == tree["relations"][0]["weight"].get<double>());
  // The ids read back as the indices of the entities that have them.
  CHECK(e->relations[0].source == 1);
  CHECK(e->relations[0].target == 0);
  CHECK(e->relations[0].type == "t");

  // Every other form is refused (the caller falls back to a JSON parser): pretty, reordered, other
  // number forms, invalid strings, cut short.
  CHECK_FALSE(from_compact_json(to_json(x, 2)).has_value());
  CHECK_FALSE(from_compact_json(compact.substr(0, compact.size() - 1)).has_value());
  auto with = [&](const std::string& from, const std::string& to) {
    std::string s = escaped;
    const std::size_t at = s.find(from);
    REQUIRE(at != std::string::npos);
    return s.replace(at, from.size(), to);
  };
  CHECK(from_compact_json(with("\"bytes\":0", "\"bytes\":7")).has_value());
  CHECK_FALSE(from_compact_json(with("\"bytes\":0", "\"bytes\":07")).has_value());
  CHECK_FALSE(from_compact_json(with("\"bytes\":0", "\"bytes\":-1")).has_value());
  CHECK_FALSE(from_compact_json(with("\"bytes\":0", "\"bytes\":1.0")).has_value());
  CHECK_FALSE(from_compact_json(with("\"bytes\":0", "\"bytes\":99999999999999999999")).has_value());
  CHECK_FALSE(from_compact_json(with("\"date\":null", "\"date\":nul")).has_value());
  CHECK_FALSE(from_compact_json(with("\\ud83d\\ude00", "\\ud83d")).has_value());
  CHECK_FALSE(from_compact_json(with("\\ude00", "\\uzz00")).has_value());
  CHECK_FALSE(from_compact_json(with("a\\/b", "a\xFF")).has_value());
  CHECK_FALSE(from_compact_json(with("a\\/b", "a\tb")).has_value());
  CHECK_FALSE(from_compact_json(with("\"weight\":2.50e-1", "\"weight\":.5")).has_value());
  CHECK_FALSE(from_compact_json(with("\"weight\":2.50e-1", "\"weight\":1e400")).has_value());
  CHECK(from_compact_json(with("\"weight\":2.50e-1,", "\"weight\":2.50e-1,\"start\":\"2019\",")).has_value());
  CHECK_FALSE(from_compact_json(with("\"weight\":2.50e-1,", "\"weight\":2.50e-1,\"start\":\"\",")).has_value());
  CHECK_FALSE(from_compact_json(with("\"source\":\"\",\"date\"", "\"date\":null,\"source\":\"\",\"x\"")).has_value());
  // Strings longer than a 16-byte block, with the byte that ends a plain run at every place in it
  // (the reader scans blocks, then bytes): an escape and a valid two-byte letter read as nlohmann
  // reads them; an invalid byte and a raw control byte are refused wherever they are, also after a
  // valid non-ASCII letter earlier in the same block.
  for (std::size_t at = 0; at <= 40; ++at) {
    const std::string head(at, 'x'), tail(40 - at, 'y');
    for (const std::string& mid : {std::string("\\\""), std::string("\xC3\xA9"), std::string("\xC3\xA9\\n")}) {
      const std::string text = with("a\\/b", head + mid + tail);
      auto ok = from_compact_json(text);
      REQUIRE(ok.has_value());
      CHECK(ok->document.id == nlohmann::json::parse(text)["document"]["id"].get<std::string>());
    }
    for (const std::string& mid : {std::string("\xFF"), std::string("\t"), std::string("\xC3\xA9z\xC3"),
                                   std::string("\xC3\xA9\x01")})
      CHECK_FALSE(from_compact_json(with("a\\/b", head + mid + tail)).has_value());
  }
  // A relation naming an id that no entity has is refused too (an index has nothing to point at).
  CHECK(from_compact_json(with("\"target\":\"b\"", "\"target\":\"a\"")).has_value());
  CHECK_FALSE(from_compact_json(with("\"target\":\"b\"", "\"target\":\"c\"")).has_value());
  CHECK_FALSE(from_compact_json(with("\"source\":\"a\"", "\"source\":\"\"")).has_value());
  CHECK_FALSE(from_compact_json(with("\"entities\":[{\"id\":\"b\"", "\"entities\":[{\"id\":\"B\"")).has_value());
}

TEST_CASE("rules override: a user gazetteer adds names without rebuilding") {
  auto dir = testsupport::temp_dir("rules");
  std::filesystem::create_directories(dir / "en" / "gazetteer");
  testsupport::spit((dir / "en" / "gazetteer" / "mine.jsonl").string(),
                    "{\"label\": \"MISC\", \"pattern\": \"Model Y\", \"id\": \"misc:model-y\"}\n");
  RuleDirs dirs = RuleDirs::defaults();
  dirs.add(dir);
  auto ex = Extractor::load(dirs);
  REQUIRE(ex.ok());
  DocumentInfo info;
  auto x = ex->extract("Tesla Inc. said the Model Y sold well.", info);
  bool found = false;
  for (const auto& e : x.entities) found = found || (e.id == "misc:model-y" && e.type == "MISC");
  CHECK(found);
  // A broken user rule file is an error that names the file and line.
  testsupport::spit((dir / "en" / "gazetteer" / "bad.jsonl").string(), "{\"label\": \"ORG\"}\n");
  auto bad = Extractor::load(dirs);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.find("bad.jsonl:1") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("loading on two threads: the same extractor, the same errors, in the same order") {
  const std::string text =
      "TOKYO, March 3, 2021 - Acme Corp. said on Tuesday that Jane Doe, its chief executive since "
      "2018, will step down next year. Acme acquired Widget Ltd. in 2019.";
  DocumentInfo info;
  auto one = Extractor::load(RuleDirs::defaults(), 1);
  auto two = Extractor::load(RuleDirs::defaults(), 2);
  REQUIRE(one.ok());
  REQUIRE(two.ok());
  const std::string expected = to_json(one->extract(text, info), -1);
  CHECK(expected.find("\"timexes\":[{") != std::string::npos);   // the temporal rules were loaded and used
  CHECK(to_json(two->extract(text, info), -1) == expected);
  CHECK(two->rules_hash() == one->rules_hash());
  // A broken temporal rule file (loaded on the second thread) is reported as on one thread; with
  // a broken lexicon file too, the lexicon's error comes first either way.
  auto dir = testsupport::temp_dir("rules-threads");
  std::filesystem::create_directories(dir / "en" / "timex");
  testsupport::spit((dir / "en" / "timex" / "broken.json").string(), "{\"rules\": [{\"id\": \"x\"}]}\n");
  RuleDirs dirs = RuleDirs::defaults();
  dirs.add(dir);
  for (unsigned threads : {1u, 2u}) {
    CAPTURE(threads);
    auto bad = Extractor::load(dirs, threads);
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().message.find("broken.json") != std::string::npos);
  }
  std::filesystem::create_directories(dir / "en" / "gazetteer");
  testsupport::spit((dir / "en" / "gazetteer" / "bad.jsonl").string(), "{\"label\": \"ORG\"}\n");
  for (unsigned threads : {1u, 2u}) {
    CAPTURE(threads);
    auto bad = Extractor::load(dirs, threads);
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().message.find("bad.jsonl:1") != std::string::npos);
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("dateline gives the article date when none is passed") {
  auto x = run("TOKYO, Feb. 6, 2023 - Nissan Motor Co. has agreed to a new deal.");
  REQUIRE(x.document.date);
  CHECK(*x.document.date == "2023-02-06");
  CHECK(x.document.date_source == "dateline");
}

}  // TEST_SUITE

// The seed article (issue 2): read from ../shared when present.
TEST_CASE("seed article: entities, aliases, relations and the dated arrest" * doctest::test_suite("extractor.seed")) {
  namespace fs = std::filesystem;
  fs::path seeds = testsupport::shared_dir() + "/seeds";
  if (!fs::is_directory(seeds)) {
    MESSAGE("../shared/seeds not present: seed test skipped");
    return;
  }
  std::string text;
  for (const auto& f : fs::directory_iterator(seeds))
    if (f.path().extension() == ".txt") text = testsupport::slurp(f.path().string());
  REQUIRE(!text.empty());
  auto x = run(text);
  std::vector<std::string> got = names(x);
  std::sort(got.begin(), got.end());
  CHECK(got == std::vector<std::string>{"LOC:Japan", "ORG:Nissan", "ORG:Renault", "PER:Carlos Ghosn"});
  REQUIRE(entity(x, "Nissan"));
  CHECK(has_alias(*entity(x, "Nissan"), "Nissan Motor Co."));
  CHECK(has_alias(*entity(x, "Renault"), "Renault SA"));
  CHECK(has_alias(*entity(x, "Carlos Ghosn"), "Ghosn"));
  CHECK(relation(x, "org:nissan", "partner_of", "org:renault"));
  const Relation* g1 = relation(x, "per:carlos-ghosn", "role_of", "org:nissan");
  const Relation* g2 = relation(x, "per:carlos-ghosn", "role_of", "org:renault");
  REQUIRE(g1);
  REQUIRE(g2);
  CHECK(g1->qualifier == "former CEO");
  CHECK(g2->qualifier == "former CEO");
  bool arrest = false;
  for (const auto& e : x.events) {
    if (e.type != "arrest") continue;
    arrest = e.date && *e.date == "2018";
    bool ghosn = false, japan = false;
    for (const auto& p : e.participants) {
      ghosn = ghosn || p.entity == "per:carlos-ghosn";
      japan = japan || p.entity == "loc:japan";
    }
    CHECK(ghosn);
    CHECK(japan);
  }
  CHECK(arrest);
}
