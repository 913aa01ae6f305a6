// Turn a JSON-LD file into N-Quads with jsonld.js (expand, then toRDF), offline.
// Usage: node expand.js FILE [URL=PATH ...]
// A remote @context is served only from the URL=PATH pairs given; any other URL is
// an error, so the check never touches the network.
'use strict';
const fs = require('fs');
const jsonld = require('jsonld');

const [input, ...pairs] = process.argv.slice(2);
const local = new Map(pairs.map((pair) => {
  const at = pair.indexOf('=');
  return [pair.slice(0, at), pair.slice(at + 1)];
}));

async function documentLoader(url) {
  if (!local.has(url)) {
    throw new Error(`offline: no local copy of ${url}`);
  }
  const document = JSON.parse(fs.readFileSync(local.get(url), 'utf8'));
  return { contextUrl: null, documentUrl: url, document };
}

async function main() {
  const document = JSON.parse(fs.readFileSync(input, 'utf8'));
  const expanded = await jsonld.expand(document, { documentLoader, safe: true });
  const nquads = await jsonld.toRDF(expanded, { format: 'application/n-quads', documentLoader, safe: true });
  process.stdout.write(nquads);
}

function describe(error) {  // jsonld.js wraps a loader's error in details.cause
  const cause = error && error.details && error.details.cause;
  const message = error && error.message ? error.message : String(error);
  return cause ? `${describe(cause)} (${message})` : message;
}

main().catch((error) => {
  process.stderr.write(`${describe(error)}\n`);
  process.exit(1);
});
