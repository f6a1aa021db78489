//! Queries of the kind Pillion serves (LDBC-like reads, typical writes), beyond the TCK.

pub const QUERIES: &[&str] = &[
        "MATCH p = shortestPath((person:Person {id: $personId})-[:KNOWS*1..3]-(friend:Person \
         {firstName: $firstName})) WHERE person <> friend WITH friend, length(p) AS distance \
         ORDER BY distance ASC, friend.lastName ASC, toInteger(friend.id) ASC LIMIT 20 \
         MATCH (friend)-[:IS_LOCATED_IN]->(friendCity:City) \
         OPTIONAL MATCH (friend)-[studyAt:STUDY_AT]->(uni:University)-[:IS_LOCATED_IN]->(uniCity:City) \
         WITH friend, collect(CASE WHEN uni IS NULL THEN null ELSE [uni.name, studyAt.classYear, \
         uniCity.name] END) AS unis, friendCity, distance \
         RETURN friend.id AS friendId, friend.lastName AS friendLastName, distance AS \
         distanceFromPerson, unis AS friendUniversities, friendCity.name AS friendCityName \
         ORDER BY distanceFromPerson ASC, friendLastName ASC, toInteger(friendId) ASC LIMIT 20",
        "MATCH (:Person {id: $personId})-[:KNOWS]-(friend:Person)<-[:HAS_CREATOR]-(message:Message) \
         WHERE message.creationDate <= $maxDate RETURN friend.id AS personId, \
         coalesce(message.content, message.imageFile) AS content, message.creationDate AS date \
         ORDER BY date DESC, toInteger(personId) ASC LIMIT 20",
        "MATCH (countryX:Country {name: $x}), (countryY:Country {name: $y}), (person:Person {id: $id}) \
         WITH person, countryX, countryY LIMIT 1 \
         MATCH (city:City)-[:IS_PART_OF]->(country:Country) WHERE country IN [countryX, countryY] \
         WITH person, countryX, countryY, collect(city) AS cities \
         MATCH (person)-[:KNOWS*1..2]-(friend)-[:IS_LOCATED_IN]->(city) \
         WHERE NOT person = friend AND NOT city IN cities \
         WITH DISTINCT friend, countryX, countryY \
         MATCH (friend)<-[:HAS_CREATOR]-(message), (message)-[:IS_LOCATED_IN]->(country) \
         WHERE $endDate > message.creationDate >= $startDate AND country IN [countryX, countryY] \
         WITH friend, CASE WHEN country = countryX THEN 1 ELSE 0 END AS messageX, \
         CASE WHEN country = countryY THEN 1 ELSE 0 END AS messageY \
         WITH friend, sum(messageX) AS xCount, sum(messageY) AS yCount \
         WHERE xCount > 0 AND yCount > 0 \
         RETURN friend.id AS friendId, xCount, yCount, xCount + yCount AS xyCount \
         ORDER BY xyCount DESC, friendId ASC LIMIT 20",
        "MATCH (person:Person {id: $personId})<-[:HAS_CREATOR]-(message:Message)<-[like:LIKES]-(liker:Person) \
         WITH liker, message, like.creationDate AS likeTime, person \
         ORDER BY likeTime DESC, toInteger(message.id) ASC \
         WITH liker, head(collect({msg: message, likeTime: likeTime})) AS latestLike, person \
         RETURN liker.id AS personId, latestLike.likeTime AS likeCreationDate, \
         latestLike.msg.id AS messageId, \
         toInteger(floor(toFloat(latestLike.likeTime - latestLike.msg.creationDate) / 1000.0) / 60.0) \
         AS minutesLatency, size([(liker)-[:KNOWS]-(person) | 1]) = 0 AS isNew \
         ORDER BY likeCreationDate DESC, toInteger(personId) ASC LIMIT 20",
        "MATCH (person1:Person {id: $person1Id}), (person2:Person {id: $person2Id}) \
         OPTIONAL MATCH path = shortestPath((person1)-[:KNOWS*]-(person2)) \
         RETURN CASE path IS NULL WHEN true THEN -1 ELSE length(path) END AS shortestPathLength",
        "MATCH path = allShortestPaths((p1:Person {id: $a})-[:KNOWS*0..]-(p2:Person {id: $b})) \
         WITH collect(path) AS paths UNWIND paths AS path \
         WITH path, relationships(path) AS relsInPath \
         WITH [n IN nodes(path) | n.id] AS ids, [r IN relsInPath | reduce(w = 0.0, v IN \
         [(a)<-[:HAS_CREATOR]-(:Comment)-[:REPLY_OF]->(:Post)-[:HAS_CREATOR]->(b) \
         WHERE (a.id = startNode(r).id AND b.id = endNode(r).id) | 1.0] | w + v)] AS weights \
         WITH ids, reduce(w = 0.0, v IN weights | w + v) AS pathWeight \
         RETURN ids, pathWeight ORDER BY pathWeight DESC",
        "MATCH (person:Person {id: $id})-[:KNOWS]-(friend:Person), \
         (friend)<-[:HAS_CREATOR]-(post:Post)-[:HAS_TAG]->(tag) \
         WITH DISTINCT tag, post \
         WITH tag, CASE WHEN $start <= post.creationDate < $end THEN 1 ELSE 0 END AS valid \
         WITH tag, sum(valid) AS postCount WHERE postCount > 0 \
         RETURN tag.name AS tagName, postCount ORDER BY postCount DESC, tagName ASC LIMIT 10",
        "UNWIND $rows AS row MERGE (p:Person {id: row.id}) ON CREATE SET p.name = row.name \
         SET p += row.props",
        "MATCH (n) WHERE n.name =~ 'A.*' RETURN n.name AS name, count(*) AS c ORDER BY c DESC, name",
        "MATCH (a)-[r:KNOWS]->(b) DELETE r",
        "MATCH (a {id: $a}), (b {id: $b}) CREATE (a)-[:KNOWS {since: $since}]->(b)",
        "MATCH (n:Person) REMOVE n:Person, n.age RETURN n",
        "MATCH (n) OPTIONAL MATCH (n)-[r]->() RETURN n, count(r) AS degree \
         ORDER BY degree DESC LIMIT 10",
        "MATCH (n) RETURN n.name AS name UNION ALL MATCH (m) RETURN m.title AS name",
        "MATCH (a) WITH a, size([(a)-->(b) | b]) AS deg WHERE deg > 2 RETURN a.name, deg",
        "WITH 1 AS x, 2 AS y RETURN x + y AS z, x * y AS w, x / y AS d, x % y AS m, x ^ y AS p",
        "RETURN date('2020-01-01') + duration('P1D') AS d, datetime().year AS y",
        "MATCH (n) WITH n, n.x AS x ORDER BY x WITH collect(n) AS ns RETURN ns",
        "MATCH (n) WITH n.city AS city, collect(n.name) AS names \
         RETURN city, names, size(names) AS c ORDER BY c DESC",
        "MATCH (n) RETURN DISTINCT n.city AS city ORDER BY city",
        "MATCH (n) RETURN n.city, count(*) ORDER BY n.city",
        "MATCH p = (a)-[*1..3]->(b) WHERE all(r IN relationships(p) WHERE r.weight > 1) \
         RETURN p, length(p) AS len",
        "MATCH (a) WHERE EXISTS { MATCH (a)-->(b) WHERE b.x = 1 } RETURN a",
        "MATCH (a) WHERE EXISTS { MATCH (a)-->(b) WITH b WHERE b.x = 1 RETURN b } RETURN a",
        "MATCH (a) RETURN a {.name, .age, friends: [(a)-->(f) | f.name]} AS person",
        "MATCH (a) SET a:Admin, a.level = 3, a += {x: 1} RETURN a",
        "CREATE (a:A)-[:R]->(b:B) WITH a, b MATCH (a)-[r:R]->(b) RETURN r",
        "MERGE (a:A {id: 1}) ON MATCH SET a.seen = a.seen + 1 ON CREATE SET a.seen = 1 \
         RETURN a.seen",
        "MATCH (a) OPTIONAL MATCH (a)-[r]->(b) WITH a, collect(b) AS bs WHERE size(bs) > 0 \
         RETURN a, bs",
        "WITH [1, 2, 3] AS l RETURN l[0] AS first, l[1..] AS rest, l[-1] AS last",
        "MATCH (n) WITH n SKIP 1 LIMIT 2 RETURN count(n) AS c",
        "MATCH (n) WITH n.name AS name, n ORDER BY n.age RETURN name",
        "MATCH (u:User)-[:POSTED]->(p) WITH u, count(p) AS posts ORDER BY posts DESC LIMIT 10 \
         RETURN u.name AS user, posts",
        "MATCH (a)-[:KNOWS]->(b)-[:KNOWS]->(c) WHERE NOT (a)-[:KNOWS]->(c) AND a <> c \
         RETURN c, count(*) AS mutual ORDER BY mutual DESC",
        "UNWIND range(1, 10) AS i WITH i WHERE i % 2 = 0 RETURN collect(i) AS evens",
        "MATCH (n) RETURN count(DISTINCT n.x) AS c, avg(n.y) AS a, min(n.z), max(n.z), \
         stDev(n.w), percentileCont(n.v, 0.5)",
        "MATCH (n) WITH n.x AS x, count(*) AS c RETURN x, c, c * 1.0 / 10 AS ratio",
        "MATCH (a) RETURN a.x AS x, count(*) AS c, collect(a)[0].name AS first",
        "MATCH (a) RETURN a, [x IN range(0, 10) WHERE x > a.min | x * a.factor] AS xs",
        "match (n) where n:Person or n:Admin return n",
        "MATCH (a), (b) WHERE id(a) < id(b) CREATE (a)-[:LINK]->(b)",
        "MATCH (a)-[r]->(b) WITH a, type(r) AS t, count(*) AS c \
         RETURN a.name, collect({type: t, count: c}) AS rels",
        "MATCH (a) WITH a, [(a)-->(b) | b] AS bs UNWIND bs AS b MATCH (b)-->(c) RETURN c",
        "MATCH (n) WITH collect(n) AS ns UNWIND ns AS n RETURN n",
        "MATCH (n) RETURN n.x AS x ORDER BY x SKIP $skip LIMIT $limit",
        "CALL db.labels() YIELD label RETURN label",
        "MATCH (a)-[:R*]->(b) WITH DISTINCT b RETURN b ORDER BY b.name",
];
