// A yente client for the CI consumer step .ci/steps/60-yente.sh: it calls a
// running `screen serve` (on the lists beside this file) the way clients of
// OpenSanctions' yente do — ApiKey header, POST /match/{dataset} with
// algorithm=best, exclusions, GET /search, /entities, /catalog, /algorithms —
// and checks every entity it gets against FollowTheMoney's own model (npm
// @alephdata/followthemoney): the schema exists, every property belongs to it,
// every country, topic, gender and date value is one the model accepts.
//
// Usage: node client.cjs BASE_URL TOKEN   (prints "N passed, N failed")
'use strict';

const { Model, defaultModel } = require('@alephdata/followthemoney');

const [base, token] = process.argv.slice(2);
const model = new Model(defaultModel);
const isoSeconds = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;
const ftmDate = /^\d{4}(-\d{2}(-\d{2}(T\d{2}(:\d{2}(:\d{2})?)?)?)?)?$/;
let passed = 0;
let failed = 0;

function check(what, ok, detail) {
  if (ok) {
    passed++;
  } else {
    failed++;
    console.log(`FAIL ${what}${detail === undefined ? '' : ': ' + JSON.stringify(detail)}`);
  }
}

async function call(method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: { Authorization: `ApiKey ${token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, url: res.url, body: await res.json() };
}

const datasets = new Set();

// checkEntity checks an entity as yente's tests do (required keys and types)
// and against the FollowTheMoney model.
function checkEntity(where, e, scored) {
  const keys = ['id', 'caption', 'schema', 'properties', 'datasets', 'referents', 'target',
    'first_seen', 'last_seen', 'last_change'];
  for (const k of keys) check(`${where}: has ${k}`, k in e);
  check(`${where}: id and caption`, typeof e.id === 'string' && e.id !== '' && typeof e.caption === 'string' && e.caption !== '', e);
  let schema;
  try {
    schema = model.getSchema(e.schema);
  } catch (err) {
    check(`${where}: schema ${e.schema} is a FollowTheMoney schema`, false, String(err));
    return;
  }
  check(`${where}: schema ${e.schema} is matchable`, schema.matchable);
  for (const [name, values] of Object.entries(e.properties)) {
    if (!schema.hasProperty(name)) {
      check(`${where}: ${e.schema} has property ${name}`, false);
      continue;
    }
    const prop = schema.getProperty(name);
    const type = prop.type;
    check(`${where}: ${name} is a list of strings`, Array.isArray(values) && values.every((v) => typeof v === 'string' && v !== ''), values);
    for (const v of values) {
      if (type.values.size > 0) check(`${where}: ${name} value ${v} is a known ${type.name}`, type.values.has(v));
      if (type.name === 'date') check(`${where}: ${name} value ${v} is a date`, ftmDate.test(v));
      if (type.maxLength) check(`${where}: ${name} value fits ${type.maxLength} characters`, v.length <= type.maxLength);
    }
  }
  check(`${where}: datasets`, Array.isArray(e.datasets) && e.datasets.every((d) => datasets.has(d)), e.datasets);
  check(`${where}: referents`, Array.isArray(e.referents) && e.referents.every((r) => typeof r === 'string'));
  check(`${where}: target`, typeof e.target === 'boolean');
  for (const k of ['first_seen', 'last_seen', 'last_change']) {
    check(`${where}: ${k}`, e[k] === null || isoSeconds.test(e[k]), e[k]);
  }
  for (const gone of ['features', 'explanation']) check(`${where}: no ${gone}`, !(gone in e));
  if (!scored) return;
  check(`${where}: score`, typeof e.score === 'number' && e.score >= 0 && e.score <= 1, e.score);
  check(`${where}: match`, typeof e.match === 'boolean');
  for (const [name, fr] of Object.entries(e.explanations || {})) {
    const strOrNull = (v) => v === null || typeof v === 'string';
    check(`${where}: explanation ${name}`, typeof fr.score === 'number' && strOrNull(fr.detail) &&
      strOrNull(fr.query) && strOrNull(fr.candidate), fr);
  }
}

async function main() {
  const catalog = await call('GET', '/catalog');
  check('catalog 200', catalog.status === 200, catalog.status);
  for (const d of catalog.body.datasets) datasets.add(d.name);
  check('catalog has default and sanctions', datasets.has('default') && datasets.has('sanctions'), [...datasets]);

  const algos = await call('GET', '/algorithms');
  check('algorithms: best is listed', algos.status === 200 && algos.body.algorithms.some((a) => a.name === algos.body.best), algos.body);

  // yente's documented example of a batch.
  const batch = {
    queries: {
      entity1: { schema: 'Person', properties: { name: ['John Doe'], birthDate: ['1975-04-21'], nationality: ['us'] } },
      entity2: { schema: 'Company', properties: { name: ['Brilliant Amazing Limited'], jurisdiction: ['hk'], registrationNumber: ['84BA99810'] } },
    },
  };
  const m = await call('POST', '/match/sanctions?algorithm=best&fuzzy=false', batch);
  check('match 200', m.status === 200, m.body);
  const r1 = m.body.responses.entity1;
  check('match: entity1 finds its entry first', r1.results.length > 0 && r1.results[0].id === 'un:TEST.P1', r1.results.map((r) => r.id));
  check('match: entity2 finds its entry first', m.body.responses.entity2.results[0].id === 'un:TEST.C1');
  for (const [q, r] of Object.entries(m.body.responses)) {
    check(`match ${q}: status, total, query echo`, r.status === 200 && typeof r.total.value === 'number' && r.query.schema !== undefined, r);
    r.results.forEach((e, i) => checkEntity(`match ${q} result ${i}`, e, true));
  }

  // A false positive a person has decided is excluded by id.
  const top = r1.results[0];
  const ex = await call('POST', `/match/default?exclude_entity_ids=${encodeURIComponent(top.id)}`, { queries: { entity1: batch.queries.entity1 } });
  check('exclude_entity_ids leaves the entity out', ex.status === 200 && !ex.body.responses.entity1.results.some((e) => e.id === top.id), ex.body);

  // An entity returned by the API sent back as a query.
  const back = await call('POST', '/match/default', { queries: { again: top } });
  check('a returned entity is a valid query', back.status === 200 && back.body.responses.again.results[0].id === top.id, back.body);

  const bad = await call('POST', '/match/default', { queries: { fail: { properties: { name: 'Banana' } } } });
  check('a query without schema is 422 with FastAPI detail', bad.status === 422 && Array.isArray(bad.body.detail) &&
    JSON.stringify(bad.body.detail[0].loc) === '["body","queries","fail","schema"]', bad.body);
  const none = await call('POST', '/match/default', { queries: {} });
  check('no queries is 400 with a detail', none.status === 400 && typeof none.body.detail === 'string', none.body);
  const unknown = await call('POST', '/match/nothing_here', batch);
  check('an unknown dataset is 404', unknown.status === 404 && unknown.body.detail === 'No such dataset.', unknown.body);

  const s = await call('GET', '/search/default?q=' + encodeURIComponent('Brilliant Amazing Limited'));
  check('search 200 with results', s.status === 200 && s.body.results.length > 0, s.body);
  s.body.results.forEach((e, i) => checkEntity(`search result ${i}`, e, false));

  for (const id of ['un:TEST.P1', 'un:TEST.V1', 'watch:W1', 'NK-test0Stellar']) {
    const e = await call('GET', '/entities/' + encodeURIComponent(id));
    check(`entity ${id} 200`, e.status === 200, e.body);
    checkEntity(`entity ${id}`, e.body, false);
  }

  console.log(`yente client: ${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

main().catch((err) => {
  console.log(`FAIL ${err.stack || err}`);
  console.log(`yente client: ${passed} passed, ${failed + 1} failed`);
  process.exit(1);
});
