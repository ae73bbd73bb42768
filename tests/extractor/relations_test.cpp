// Relation rules added for issue #5: asides, object and possessive pronouns, offices of the
// article's country, roles at the article's organisation, relations from events, implied
// relations, ended roles and time spans. Every sentence here is written for the test.
#include <doctest/doctest.h>

#include <algorithm>

#include "storyline/extractor/extractor.hpp"
#include "extract_support.hpp"
#include "test_support.hpp"

using namespace storyline::extractor;

namespace {

using testing::extractor;

using testing::run;

const Relation* relation(const Extraction& x, const std::string& src, const std::string& type, const std::string& tgt,
                         const std::string& qualifier = "*") {
  for (const auto& r : x.relations)
    if (x.entities.at(r.source).id == src && r.type == type && x.entities.at(r.target).id == tgt &&
        (qualifier == "*" || r.qualifier == qualifier))
      return &r;
  return nullptr;
}

int count_type(const Extraction& x, const std::string& type) {
  return static_cast<int>(
      std::count_if(x.relations.begin(), x.relations.end(), [&](const Relation& r) { return r.type == type; }));
}

}  // namespace

TEST_SUITE("extractor.relations") {

TEST_CASE("replaced: object pronouns, asides, 'replaces', 'replaced X with Y', 'took over from'") {
  auto x = run("Halvor Mining fired Tom Baker in March. Lisa Grant, a geologist who ran a rival mine in Norway, "
               "succeeded him in April.");
  CHECK(relation(x, "per:lisa-grant", "replaced", "per:tom-baker"));
  auto y = run("The coach benched Ann Lee on Friday and replaced her with Maria Olsen.");
  CHECK(relation(y, "per:maria-olsen", "replaced", "per:ann-lee"));
  CHECK_FALSE(relation(y, "per:ann-lee", "replaced", "per:maria-olsen"));
  auto z = run("Mia Holt replaces Karl Dunn, who retired.");
  CHECK(relation(z, "per:mia-holt", "replaced", "per:karl-dunn"));
  auto w = run("Vera Moss took over from Piet Smit at the start of the season.");
  CHECK(relation(w, "per:vera-moss", "replaced", "per:piet-smit"));
  auto v = run("Hal Moore remained chairman until Ed Vance took over in 2015.");
  CHECK(relation(v, "per:ed-vance", "replaced", "per:hal-moore"));
}

TEST_CASE("offices of a state belong to the country the article is about") {
  auto x = run("Portugal held an election on Sunday. Voters in Portugal backed the opposition, and analysts in "
               "Portugal expect a new government. Rui Costa became prime minister of Portugal in 2015. "
               "Ana Lopes, 51, a former finance minister, will lead the talks. Health Minister Jorge Dias said "
               "the talks would go on. Costa dismissed his foreign minister, Marta Reis, in June.");
  CHECK(relation(x, "per:ana-lopes", "role_of", "loc:portugal", "former finance minister"));
  CHECK(relation(x, "per:jorge-dias", "role_of", "loc:portugal"));
  CHECK(relation(x, "per:marta-reis", "role_of", "loc:portugal", "former foreign minister"));
}

TEST_CASE("no country office when the article names several countries about as often") {
  auto x = run("Chile and Peru signed a treaty. Chile and Peru will share a port. Ana Lopes, a former finance "
               "minister, welcomed it.");
  CHECK_FALSE(relation(x, "per:ana-lopes", "role_of", "loc:chile"));
  CHECK_FALSE(relation(x, "per:ana-lopes", "role_of", "loc:peru"));
}

TEST_CASE("a nationality before an office names another state") {
  auto x = run("Portugal held an election. Portugal counted votes. Portugal has a new parliament. "
               "Spanish prime minister Luis Vega sent congratulations.");
  CHECK_FALSE(relation(x, "per:luis-vega", "role_of", "loc:portugal"));
  auto y = run("Portugal held an election. Portugal counted votes. Portugal has a new parliament. "
               "Norway's prime minister Erna Lie sent congratulations.");
  CHECK_FALSE(relation(y, "per:erna-lie", "role_of", "loc:portugal"));
}

TEST_CASE("roles told without an organisation belong to the article's organisation") {
  auto x = run("Fjordline Shipping Ltd. reported a loss on Monday. Fjordline Shipping said costs rose. "
               "Fjordline Shipping will cut jobs. Ole Berg, who had been chairman of the board, succeeded "
               "Hanna Vik as chief executive in May 2020. The board named Siri Holm, a banker, as finance "
               "director. Ole Berg remained chairman.");
  CHECK(relation(x, "per:ole-berg", "role_of", "org:fjordline-shipping", "chief executive"));
  CHECK(relation(x, "per:ole-berg", "replaced", "per:hanna-vik"));
  // Two roles told in one stretch are two relations.
  CHECK(relation(x, "per:ole-berg", "role_of", "org:fjordline-shipping", "chairman"));
  const Relation* ceo = relation(x, "per:ole-berg", "role_of", "org:fjordline-shipping", "chief executive");
  REQUIRE(ceo);
  CHECK(ceo->start == "2020-05");
}

TEST_CASE("the dominant organisation and the LOC-based description") {
  auto x = run("Norvik Timber Corp. cut prices. Norvik Timber sold mills. Norvik Timber hired staff. "
               "The Bergen-based company employs 900 people.");
  CHECK(relation(x, "org:norvik-timber", "based_in", "loc:bergen"));
}

TEST_CASE("a subject who fired people with roles: the article's organisation, former") {
  auto x = run("Quorra Labs Inc. grew fast. Quorra Labs lost money. Quorra Labs changed hands. Dan Fox, the new "
               "owner, fired chief executive Eli Stone, chief financial officer Mae Cole and two others.");
  CHECK(relation(x, "per:eli-stone", "role_of", "org:quorra-labs", "former chief executive"));
  CHECK(relation(x, "per:mae-cole", "role_of", "org:quorra-labs", "former chief financial officer"));
}

TEST_CASE("a role and its end are one relation; two roles in one aside") {
  auto x = run("Ida Berg, who was then president of Lumo Inc. and chairman of Vexa AB, was questioned. "
               "Vexa's board removed Ida Berg as chairman on Friday.");
  CHECK(relation(x, "per:ida-berg", "role_of", "org:lumo", "president"));
  CHECK(relation(x, "per:ida-berg", "role_of", "org:vexa", "former chairman"));
  CHECK_FALSE(relation(x, "per:ida-berg", "role_of", "org:vexa", "chairman"));
}

TEST_CASE("a role and a longer or shorter former title of it are one ended relation") {
  auto x = run("Britain will vote in May. Polls in Britain show a close race, and markets in Britain are calm. "
               "Tom Hale, 50, a former chancellor of the exchequer, will lead the campaign. Hale, who served "
               "as chancellor until 2019, said little.");
  CHECK(relation(x, "per:tom-hale", "role_of", "loc:britain", "former chancellor of the exchequer"));
  CHECK_FALSE(relation(x, "per:tom-hale", "role_of", "loc:britain", "chancellor"));
}

TEST_CASE("a role of a company's brand is not a role of the company") {
  auto x = run("Jon Wick, the former president of Ardent Motors Inc.'s Italian brand, joined a rival.");
  CHECK_FALSE(relation(x, "per:jon-wick", "role_of", "org:ardent-motors"));
}

TEST_CASE("relations from events: acquisition, lawsuit and succession; a stake bought is no acquisition") {
  auto x = run("Pelican Foods Inc. acquired Mariner Snacks Co. in 2019.");
  CHECK(relation(x, "org:pelican-foods", "acquired", "org:mariner-snacks"));
  CHECK(relation(x, "org:pelican-foods", "owns", "org:mariner-snacks"));
  auto y = run("In 2004 Pelican Foods Inc. bought a 20% stake in Mariner Snacks Co.");
  CHECK_FALSE(relation(y, "org:pelican-foods", "acquired", "org:mariner-snacks"));
  CHECK_FALSE(relation(y, "org:pelican-foods", "owns", "org:mariner-snacks"));
  auto z = run("Osprey Software Inc., the startup that Gemma Lund bought last year, is growing.");
  CHECK(relation(z, "per:gemma-lund", "acquired", "org:osprey-software"));
  auto v = run("Mariner Snacks Co. agreed on Monday to be acquired by Pelican Foods Inc.");
  CHECK_FALSE(relation(v, "org:pelican-foods", "acquired", "org:mariner-snacks"));
  CHECK_FALSE(relation(v, "org:pelican-foods", "owns", "org:mariner-snacks"));
}

TEST_CASE("the leader of a party is a member of it") {
  auto x = run("Karen Holm was elected leader of the Green Party on Saturday.");
  CHECK(relation(x, "per:karen-holm", "role_of", "org:green-party"));
  CHECK(relation(x, "per:karen-holm", "member_of", "org:green-party"));
  CHECK(relation(x, "per:karen-holm", "member_of", "org:green-party")->start.empty());
  auto y = run("Karen Holm was elected chair of Tallis Bank on Saturday.");
  CHECK_FALSE(relation(y, "per:karen-holm", "member_of", "org:tallis-bank"));
}

TEST_CASE("time spans: from/to, since, a sentence-initial since, a date after became, an end after resigned") {
  auto x = run("Tom Reed was chief executive of Halvor Mining from 2010 to 2017.");
  const Relation* r = relation(x, "per:tom-reed", "role_of", "org:halvor-mining");
  REQUIRE(r);
  CHECK(r->start == "2010");
  CHECK(r->end == "2017");
  auto y = run("Mara Olsen has led Fjord Bank since 2019.");
  const Relation* led = relation(y, "per:mara-olsen", "role_of", "org:fjord-bank");
  REQUIRE(led);
  CHECK(led->qualifier == "head");
  CHECK(led->start == "2019");
  CHECK(led->end.empty());
  auto z = run("Since March 2015, Ada Kim has run Norrland Steel.");
  const Relation* ran = relation(z, "per:ada-kim", "role_of", "org:norrland-steel");
  REQUIRE(ran);
  CHECK(ran->start == "2015-03");
  auto w = run("Pia Dahl became chairman of Brightwater Foods in 2012. Nils Aas resigned as chairman of "
               "Halvor Mining in 2009.");
  const Relation* became = relation(w, "per:pia-dahl", "role_of", "org:brightwater-foods");
  REQUIRE(became);
  CHECK(became->start == "2012");
  const Relation* quit = relation(w, "per:nils-aas", "role_of", "org:halvor-mining");
  REQUIRE(quit);
  CHECK(quit->end == "2009");
  CHECK(quit->start.empty());
  // A date that tells when something else happened is no span.
  auto v = run("Tom Reed, chief executive of Halvor Mining, spoke in 2015.");
  const Relation* spoke = relation(v, "per:tom-reed", "role_of", "org:halvor-mining");
  REQUIRE(spoke);
  CHECK(spoke->start.empty());
  CHECK(spoke->end.empty());
}

TEST_CASE("time spans reach the extract JSON only when told") {
  auto x = run("Tom Reed was chief executive of Halvor Mining from 2010 to 2017.");
  std::string json = to_json(x);
  CHECK(json.find("\"start\": \"2010\"") != std::string::npos);
  CHECK(json.find("\"end\": \"2017\"") != std::string::npos);
  auto y = run("Tom Reed, chief executive of Halvor Mining, spoke.");
  CHECK(to_json(y).find("\"start\": \"") == std::string::npos);
  CHECK(count_type(y, "role_of") == 1);
}

}  // TEST_SUITE
