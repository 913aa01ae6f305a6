"""Publish stage: nginx and Apache configurations that serve a ``kg publish`` site
with the same content negotiation as ``kg serve``.

Neither server can weigh ``Accept`` q-values with its own directives (nginx's ``map``
matches text; Apache's MultiViews breaks ties by the smallest file, so ``*/*`` would get
N-Triples, and answers 200 where ``kg serve`` answers 303). So each gets the algorithm
of :mod:`kg.publish.negotiation` as a small script in the language the server embeds:
JavaScript for nginx's njs module, Lua for Apache's mod_lua, both generated here from
the one table of representations. The tests run the same negotiation checks against
``kg serve``, a real nginx and a real Apache.

Both configurations serve the site at the root of a server, and redirect with a
relative ``Location`` (``x.ttl``), so they also work behind a proxy that maps a base
path (``/kg/``) onto that server.

An authorship (``/work/x/authorship/3``) has no files: like ``kg serve``, both answer
``303`` to its work's document (``../../../work/x.ttl``, the page at
``#authorship/3``) when that work's N-Triples describe the IRI (a line whose subject
it is), and 404 otherwise; the IRI is the base the site was published with plus the
request's path, as ``kg serve`` reads it.
"""

from __future__ import annotations

import json

from kg.publish.negotiation import REPRESENTATIONS, RDF_REPRESENTATIONS
from kg.publish.store import AUTHORSHIP, ONTOLOGY_PATH, Published

JS = r"""// kg publish: content negotiation for nginx's njs module, generated from
// kg/publish/negotiation.py (RFC 9110 section 12.5.1: the most specific matching media
// range gives a type its quality, 0 is "not acceptable", ties go to the server's order).
import fs from 'fs';
var ALL = __ALL__;
var RDF = __RDF__;
var BASE = __BASE__;
var AUTHORSHIP = __AUTHORSHIP__;
var QUALITY = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;
var TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function parse(header) {
    if (header === undefined || header === null || header.trim() === "") { return [["*", "*", 1]]; }
    var ranges = [];
    header.split(",").forEach(function (item) {
        var parts = item.split(";").map(function (p) { return p.trim(); });
        var media = parts[0].toLowerCase(), slash = media.indexOf("/");
        if (slash < 0) { return; }
        var main = media.slice(0, slash), sub = media.slice(slash + 1);
        if (!TOKEN.test(main) || !TOKEN.test(sub) || (main === "*" && sub !== "*")) { return; }
        var q = 1;
        for (var i = 1; i < parts.length; i++) {
            var eq = parts[i].indexOf("=");
            var key = (eq < 0 ? parts[i] : parts[i].slice(0, eq)).trim().toLowerCase();
            if (key === "q") {
                var value = eq < 0 ? "" : parts[i].slice(eq + 1).trim();
                q = QUALITY.test(value) ? parseFloat(value) : -1;
            }
        }
        if (q >= 0) { ranges.push([main, sub, q]); }
    });
    return ranges;
}

function matches(range, type) {
    var slash = type.indexOf("/"), main = type.slice(0, slash), sub = type.slice(slash + 1);
    if (range[0] === "*") { return 0; }
    if (range[0] !== main) { return -1; }
    if (range[1] === "*") { return 1; }
    return range[1] === sub ? 2 : -1;
}

function quality(ranges, type) {
    var best = 0, specificity = -1;
    ranges.forEach(function (range) {
        var m = matches(range, type);
        if (m > specificity || (m === specificity && m >= 0 && range[2] > best)) { best = range[2]; specificity = m; }
    });
    return [specificity >= 0 ? best : 0, specificity];
}

// The answered type's quality; an alias counts only where Accept names it exactly.
function representationQuality(ranges, types) {
    var q = quality(ranges, types[0])[0];
    for (var i = 1; i < types.length; i++) {
        var alias = quality(ranges, types[i]);
        if (alias[1] === 2 && alias[0] > q) { q = alias[0]; }
    }
    return q;
}

function choose(header, offered) {
    var ranges = parse(header), best = "", bestQuality = 0;
    offered.forEach(function (representation) {
        var q = representationQuality(ranges, representation[1]);
        if (q > bestQuality) { best = representation[0]; bestQuality = q; }
    });
    return best;
}

function accept(r) {
    var values = r.headersIn.Accept;
    return values;
}

function suffix(r) { return choose(accept(r), ALL); }
function rdfSuffix(r) { return choose(accept(r), RDF); }

function isFile(name) {
    try { fs.accessSync(name); return true; } catch (e) { return false; }
}

// The work whose N-Triples describe an authorship IRI: [its path, the anchor], or null.
function describedBy(file, path) {
    var cut = path.lastIndexOf(AUTHORSHIP), fileCut = file.lastIndexOf(AUTHORSHIP);
    if (cut < 1 || fileCut < 0 || path.indexOf("/", cut + AUTHORSHIP.length) >= 0
        || cut + AUTHORSHIP.length === path.length) { return null; }
    var text;
    try { text = fs.readFileSync(file.slice(0, fileCut) + ".nt", "utf8"); } catch (e) { return null; }
    var subject = "<" + BASE + path.slice(1) + "> ";
    if (text.slice(0, subject.length) !== subject && text.indexOf("\n" + subject) < 0) { return null; }
    return [path.slice(1, cut), path.slice(cut + 1)];
}

// A resource IRI's 303 Location, relative: "-" when it is not one (404), "" when
// nothing acceptable is offered (406).
function location(r) {
    var path = r.variables.request_uri.split("?")[0];
    var file = r.variables.request_filename, own = isFile(file + ".html");
    var host = own ? null : describedBy(file, path);
    if (!own && host === null) { return "-"; }
    var chosen = suffix(r);
    if (chosen === "") { return ""; }
    if (own) { return path.slice(path.lastIndexOf("/") + 1) + chosen; }
    var up = "../".repeat(path.split("/").length - 2);
    return up + host[0] + chosen + (chosen === ".html" ? "#" + host[1] : "");
}

export default { suffix: suffix, rdfSuffix: rdfSuffix, location: location, choose: choose };
"""

NGINX = r"""# kg publish: nginx configuration for the site in __SITE__
# (https://www.w3.org/TR/cooluris/: a resource IRI answers 303 See Other to the document
# its Accept header chooses, with Vary: Accept, an authorship to its work's; the ontology
# document /ns answers directly).
# Needs nginx's njs module (Debian: apt-get install libnginx-mod-http-js, which enables it;
# elsewhere: load_module modules/ngx_http_js_module.so; in the main context).
# Include this file in the http {} context; set listen, server_name and, if the site
# moves, root and js_path. The site is served at the root of this server; for a base IRI
# with a path (/kg/), proxy that path to this server: redirects are relative.
js_path "__SITE__/_config/";
js_import kg_negotiate from kg-negotiate.js;
js_set $kg_suffix kg_negotiate.suffix;
js_set $kg_rdf_suffix kg_negotiate.rdfSuffix;
js_set $kg_location kg_negotiate.location;

server {
    listen 80;
    server_name __HOST__;
    root "__SITE__";
    index index.html;
    absolute_redirect off;
    types {
__TYPES__
        text/css css;
        application/javascript js;
        application/json json;
        application/xml xml;
    }
    default_type application/octet-stream;
    charset utf-8;
    charset_types __CHARSET_TYPES__ text/css application/javascript application/json application/xml;
    error_page 404 /404.html;

    location ^~ /_config/ { return 404; }

    # The ontology is a hash namespace (Cool URIs, section 4.1): its document answers directly.
    location = /__ONTOLOGY__ {
        if ($kg_suffix = "") { return 406 "406 Not Acceptable: available as __OFFERED__\n"; }
        add_header Vary Accept always;
        add_header Content-Location __ONTOLOGY__$kg_suffix always;
        rewrite ^ /__ONTOLOGY__$kg_suffix break;
    }

    # The dataset description (VoID, section 7.2): RDF only.
    location = /.well-known/void {
        if ($kg_rdf_suffix = "") { return 406 "406 Not Acceptable: available as __RDF_OFFERED__\n"; }
        add_header Vary Accept always;
        rewrite ^ /.well-known/void$kg_rdf_suffix break;
    }

    location = / {
        try_files /index.html =404;
    }

    location / {
        try_files $uri @resource;
    }

    # A resource IRI (the site has its page, IRI + .html, or it is an authorship that its
    # work's documents describe): 303 to the chosen document.
    location @resource {
        default_type text/plain;
        add_header Vary Accept always;
        if ($kg_location = "-") { return 404; }
        if ($kg_location = "") { return 406 "406 Not Acceptable: available as __OFFERED__\n"; }
        return 303 $kg_location;
    }
}
"""

LUA = r"""-- kg publish: content negotiation for Apache's mod_lua, generated from
-- kg/publish/negotiation.py (RFC 9110 section 12.5.1: the most specific matching media
-- range gives a type its quality, 0 is "not acceptable", ties go to the server's order).
require "apache2"
local ALL = { __LUA_ALL__ }
local RDF = { __LUA_RDF__ }
local ONTOLOGY = "/__ONTOLOGY__"
local BASE = __BASE__
local AUTHORSHIP = __AUTHORSHIP__

local function token(text)
  return text ~= "" and not text:find("[^!#$%%&'*+.^_`|~0-9A-Za-z-]")
end

local function valid_quality(v)
  return v:match("^0$") or v:match("^0%.%d?%d?%d?$") or v:match("^1$") or v:match("^1%.0?0?0?$")
end

local function parse(header)
  if header == nil or header:match("^%s*$") then return { { "*", "*", 1 } } end
  local ranges = {}
  for item in (header .. ","):gmatch("([^,]*),") do
    local parts = {}
    for part in (item .. ";"):gmatch("([^;]*);") do parts[#parts + 1] = part:match("^%s*(.-)%s*$") end
    local media = parts[1]:lower()
    local main, sub = media:match("^([^/]*)/(.*)$")
    if main and token(main) and token(sub) and not (main == "*" and sub ~= "*") then
      local q = 1
      for i = 2, #parts do
        local key, value = parts[i]:match("^([^=]*)=?(.*)$")
        if key:match("^%s*(.-)%s*$"):lower() == "q" then
          value = value:match("^%s*(.-)%s*$")
          q = valid_quality(value) and tonumber(value) or -1
        end
      end
      if q >= 0 then ranges[#ranges + 1] = { main, sub, q } end
    end
  end
  return ranges
end

local function matches(range, media_type)
  local main, sub = media_type:match("^([^/]*)/(.*)$")
  if range[1] == "*" then return 0 end
  if range[1] ~= main then return -1 end
  if range[2] == "*" then return 1 end
  if range[2] == sub then return 2 end
  return -1
end

local function quality(ranges, media_type)
  local best, specificity = 0, -1
  for _, range in ipairs(ranges) do
    local m = matches(range, media_type)
    if m > specificity or (m == specificity and m >= 0 and range[3] > best) then
      best, specificity = range[3], m
    end
  end
  if specificity >= 0 then return best, specificity end
  return 0, specificity
end

-- The answered type's quality; an alias counts only where Accept names it exactly.
local function representation_quality(ranges, types)
  local q = quality(ranges, types[1])
  for i = 2, #types do
    local alias, specificity = quality(ranges, types[i])
    if specificity == 2 and alias > q then q = alias end
  end
  return q
end

local function choose(header, offered)
  local ranges, best, best_quality = parse(header), nil, 0
  for _, representation in ipairs(offered) do
    local q = representation_quality(ranges, representation[2])
    if q > best_quality then best, best_quality = representation, q end
  end
  return best
end

local function offered_text(offered)
  local names = {}
  for _, representation in ipairs(offered) do names[#names + 1] = representation[2][1] end
  return table.concat(names, ", ")
end

local function not_acceptable(r, offered)
  r.status = 406
  r.content_type = "text/plain; charset=utf-8"
  r:puts("406 Not Acceptable: available as " .. offered_text(offered) .. "\n")
  return apache2.DONE
end

local function last_find(text, part)
  local at, found = 0, nil
  while true do
    at = text:find(part, at + 1, true)
    if not at then return found end
    found = at
  end
end

-- The work whose N-Triples describe an authorship IRI: its path and the anchor, or nil.
local function described_by(file, path)
  local cut, file_cut = last_find(path, AUTHORSHIP), last_find(file, AUTHORSHIP)
  if not cut or cut < 2 or not file_cut or path:find("/", cut + #AUTHORSHIP, true)
     or cut + #AUTHORSHIP > #path then return nil end
  local handle = io.open(file:sub(1, file_cut - 1) .. ".nt", "rb")
  if not handle then return nil end
  local text = handle:read("a")
  handle:close()
  local subject = "<" .. BASE .. path:sub(2) .. "> "
  if text:sub(1, #subject) ~= subject and not text:find("\n" .. subject, 1, true) then return nil end
  return path:sub(2, cut - 1), path:sub(cut + 1)
end

-- LuaHookFixups: a resource IRI answers 303 to its chosen document (an authorship to
-- its work's); /ns and /.well-known/void answer directly.
function negotiate(r)
  local path = r.uri
  local accept = r.headers_in["Accept"]
  if path:match("^/_config/") then return 404 end
  if path == ONTOLOGY or path == "/.well-known/void" then
    local offered = path == ONTOLOGY and ALL or RDF
    local chosen = choose(accept, offered)
    r.err_headers_out["Vary"] = "Accept"
    if not chosen then return not_acceptable(r, offered) end
    if path == ONTOLOGY then r.err_headers_out["Content-Location"] = "__ONTOLOGY__" .. chosen[1] end
    r.content_type = chosen[3]
    if r.method ~= "HEAD" then r:sendfile(r.filename .. chosen[1]) end
    return apache2.DONE
  end
  if r:stat(r.filename) and r:stat(r.filename).filetype == 1 then return apache2.DECLINED end
  -- a path below a missing folder: Apache keeps the rest in path_info
  local file = r.filename .. (r.path_info or "")
  local raw = r.unparsed_uri:match("^[^?]*")
  local own = r:stat(file .. ".html") ~= nil
  local host, anchor
  if not own then host, anchor = described_by(file, raw) end
  if not own and not host then return apache2.DECLINED end
  r.err_headers_out["Vary"] = "Accept"
  local chosen = choose(accept, ALL)
  if not chosen then return not_acceptable(r, ALL) end
  local location = raw:match("[^/]*$") .. chosen[1]
  if not own then
    local _, depth = raw:gsub("/", "")
    location = string.rep("../", depth - 1) .. host .. chosen[1] .. (chosen[1] == ".html" and "#" .. anchor or "")
  end
  r.err_headers_out["Location"] = location
  r.status = 303
  r.content_type = "text/plain; charset=utf-8"
  r:puts("303 See Other: " .. location .. "\n")
  return apache2.DONE
end
"""

APACHE = r"""# kg publish: Apache 2.4 configuration for the site in __SITE__
# (https://www.w3.org/TR/cooluris/: a resource IRI answers 303 See Other to the document
# its Accept header chooses, with Vary: Accept, an authorship to its work's; the ontology
# document /ns answers directly).
# Needs mod_lua (Debian: a2enmod lua); negotiation is in _config/kg-negotiate.lua.
# Include this file in the server config; set the port, ServerName and, if the site
# moves, the paths. The site is served at the root of this virtual host; for a base IRI
# with a path (/kg/), proxy that path to it: redirects are relative.
<VirtualHost *:80>
    ServerName __HOST__
    DocumentRoot "__SITE__"
    <Directory "__SITE__">
        Options -Indexes -MultiViews
        AllowOverride None
        Require all granted
    </Directory>
    DirectoryIndex index.html
    DirectorySlash Off
__APACHE_TYPES__
    AddType text/css .css
    AddType application/javascript .js
    AddType application/json .json
    AddType application/xml .xml
    AddCharset utf-8 .html .ttl .jsonld .nt .rdf .css .js .json .xml
    ErrorDocument 404 /404.html
    LuaHookFixups "__SITE__/_config/kg-negotiate.lua" negotiate
</VirtualHost>
"""


def _offered(representations) -> str:
    return ", ".join(r.media_type for r in representations)


def config_files(published: Published, site: str = "__SITE__") -> dict[str, str]:
    """``_config/`` files of a site: nginx.conf and its njs script, apache.conf and its Lua
    script. ``site`` is the folder the configurations name (the site's final path)."""
    host = published.base.split("://", 1)[-1].split("/", 1)[0].split(":")[0] or "localhost"
    table = [[r.suffix, list(r.accepted)] for r in REPRESENTATIONS]
    rdf = [[r.suffix, list(r.accepted)] for r in RDF_REPRESENTATIONS]

    def lua(representations) -> str:
        return ", ".join("{ %s, { %s }, %s }" % (json.dumps(r.suffix), ", ".join(json.dumps(a) for a in r.accepted),
                                                json.dumps(r.content_type)) for r in representations)

    replacements = {
        "__ALL__": json.dumps(table), "__RDF__": json.dumps(rdf), "__HOST__": host, "__ONTOLOGY__": ONTOLOGY_PATH,
        "__OFFERED__": _offered(REPRESENTATIONS), "__RDF_OFFERED__": _offered(RDF_REPRESENTATIONS),
        "__TYPES__": "\n".join(f"        {r.media_type} {r.suffix[1:]};" for r in REPRESENTATIONS),
        "__CHARSET_TYPES__": " ".join(r.media_type for r in RDF_REPRESENTATIONS),  # text/html is implied
        "__APACHE_TYPES__": "\n".join(f"    AddType {r.media_type} {r.suffix}" for r in REPRESENTATIONS),
        "__LUA_ALL__": lua(REPRESENTATIONS), "__LUA_RDF__": lua(RDF_REPRESENTATIONS), "__SITE__": site,
        "__BASE__": json.dumps(published.base, ensure_ascii=False), "__AUTHORSHIP__": json.dumps(AUTHORSHIP),
    }

    def fill(text: str) -> str:
        for key, value in replacements.items():
            text = text.replace(key, value)
        return text

    return {"_config/nginx.conf": fill(NGINX), "_config/kg-negotiate.js": fill(JS),
            "_config/apache.conf": fill(APACHE), "_config/kg-negotiate.lua": fill(LUA)}
