"""Real web servers for the publishing tests, each on a free 127.0.0.1 port with its
own temporary folder (pid, logs, temp paths: no root needed), stopped afterwards:
``kg serve`` over an export, and Debian's nginx (with the njs module) and Apache (with
mod_lua) serving a ``kg publish`` site with the configuration it generated.
"""

from __future__ import annotations

import http.client
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.servers import Server, _spawn, free_port, require_binary, wait_until_answering

NGINX_JS_MODULE = Path("/usr/lib/nginx/modules/ngx_http_js_module.so")
APACHE_MODULES = Path("/usr/lib/apache2/modules")
INSTALL = "run tests/system-deps.sh (Debian nginx, libnginx-mod-http-js, apache2)"


@dataclass
class Web:
    """A running web server: where to reach it, and the Server that stops it."""

    name: str
    port: int
    server: Server

    def get(self, path: str, accept: str | None = None, method: str = "GET", body: bytes | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        """One request, redirects not followed: status, headers (lower-case names), body."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            sent = dict(headers or {})
            if accept is not None:
                sent["Accept"] = accept
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()

    def stop(self) -> None:
        self.server.stop()


def start_kg_serve(export: Path, directory: Path, *options: str) -> Web:
    binary = require_binary("kg", install="pip install -e '.[test]'")
    port = free_port()
    log = directory / "kg-serve.log"
    process = _spawn([binary, "serve", str(export), "--port", str(port), *options], log, directory)
    return _answering(Server("kg serve", "", f"http://127.0.0.1:{port}/sparql", process, log), port, log)


def _answering(server: Server, port: int, log: Path) -> Web:
    """The started ``server`` once it answers on ``port`` (bounded wait), else stopped."""
    try:
        wait_until_answering(f"http://127.0.0.1:{port}/", server.process, log)
    except BaseException:
        server.stop()
        raise
    return Web(server.name, port, server)


NGINX_MAIN = """load_module {module};
daemon off;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log {d}/access.log;
    client_body_temp_path {d}/body; proxy_temp_path {d}/proxy; fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;
    include {d}/site.conf;
}}
"""


def start_nginx(site: Path, directory: Path) -> Web:
    """nginx with the site's generated ``_config/nginx.conf`` (its listen line moved to a
    free port) included in a main configuration of its own."""
    binary = require_binary("nginx", "/usr/sbin/nginx", install=INSTALL)
    if not NGINX_JS_MODULE.is_file():
        pytest.fail(f"{NGINX_JS_MODULE} is missing: {INSTALL}", pytrace=False)
    port = free_port()
    generated = (site / "_config" / "nginx.conf").read_text(encoding="utf-8")
    assert "listen 80;" in generated
    (directory / "site.conf").write_text(generated.replace("listen 80;", f"listen 127.0.0.1:{port};"), encoding="utf-8")
    (directory / "nginx.conf").write_text(NGINX_MAIN.format(module=NGINX_JS_MODULE, d=directory), encoding="utf-8")
    log = directory / "nginx.log"
    process = _spawn([binary, "-c", str(directory / "nginx.conf"), "-p", str(directory)], log, directory)
    return _answering(Server("nginx", "", "", process, directory / "error.log"), port, log)


APACHE_MAIN = """ServerRoot {d}
PidFile {d}/httpd.pid
ErrorLog {d}/error.log
LogLevel warn
Listen 127.0.0.1:{port}
ServerName localhost
TypesConfig /dev/null
{modules}
Include {d}/site.conf
"""
APACHE_LOAD = ("mpm_event", "authz_core", "mime", "dir", "lua")


def start_apache(site: Path, directory: Path) -> Web:
    """Apache with the site's generated ``_config/apache.conf`` (its VirtualHost moved
    to a free port), in the foreground with a main configuration of its own."""
    binary = require_binary("apache2", "/usr/sbin/apache2", install=INSTALL)
    port = free_port()
    generated = (site / "_config" / "apache.conf").read_text(encoding="utf-8")
    assert "<VirtualHost *:80>" in generated
    (directory / "site.conf").write_text(generated.replace("<VirtualHost *:80>", f"<VirtualHost 127.0.0.1:{port}>"),
                                         encoding="utf-8")
    modules = "\n".join(f"LoadModule {m}_module {APACHE_MODULES}/mod_{m}.so" for m in APACHE_LOAD)
    (directory / "httpd.conf").write_text(APACHE_MAIN.format(d=directory, port=port, modules=modules), encoding="utf-8")
    log = directory / "apache.log"
    process = _spawn([binary, "-f", str(directory / "httpd.conf"), "-DFOREGROUND"], log, directory)
    return _answering(Server("apache", "", "", process, directory / "error.log"), port, log)


__all__ = ["Web", "start_apache", "start_kg_serve", "start_nginx"]
