"""The generated nginx configuration: nginx itself accepts it, and it says what the layout needs."""
from __future__ import annotations

import re
import subprocess

import pytest

from serve.nginx import IMMUTABLE, ROUTE_COOKIE, nginx_config
from serve.stack import nginx_binary


def conf(tmp_path, **kw) -> str:
    args = dict(listen="127.0.0.1", port=8599, replica_ports=[9101, 9102, 9103], prefix=tmp_path,
                static_dir=tmp_path / "static", frontend_dir=tmp_path / "bundles")
    return nginx_config(**{**args, **kw})


def test_nginx_accepts_the_configuration(tmp_path):
    (tmp_path / "logs").mkdir()
    (tmp_path / "temp").mkdir()
    path = tmp_path / "nginx.conf"
    path.write_text(conf(tmp_path))
    proc = subprocess.run([nginx_binary(), "-t", "-e", str(tmp_path / "logs" / "error.log"), "-c", str(path),
                           "-p", str(tmp_path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_sticky_by_its_own_cookie_with_failover(tmp_path):
    text = conf(tmp_path)
    # a new browser: the replica with the fewest open connections (balanced, not a random hash)
    assert "least_conn;" in text and "hash " not in text and "ip_hash" not in text
    # a browser with the cookie: its replica's own group, the other replicas as its backups
    for port in (9101, 9102, 9103):
        assert f'"{port}" bsim_{port};' in text
        group = text.split(f"upstream bsim_{port} {{", 1)[1].split("}", 1)[0]
        assert f"server 127.0.0.1:{port} max_fails=1" in group
        assert sorted(int(q) for q in re.findall(r"server 127\.0\.0\.1:(\d+) backup;", group)) == \
            sorted({9101, 9102, 9103} - {port})
    assert "proxy_pass http://$bsim_upstream;" in text
    # the cookie names the replica that answered, and is set only when the browser's is missing or stale
    assert f"map \"$cookie_{ROUTE_COOKIE}|$bsim_served\" $bsim_route_cookie" in text
    assert "add_header Set-Cookie $bsim_route_cookie;" in text
    assert text.count("proxy_next_upstream error timeout") == 2   # the websocket and plain requests


def test_websocket_is_upgraded_with_a_long_read_timeout(tmp_path):
    ws = conf(tmp_path).split("location ~ /_stcore/stream$", 1)[1].split("}", 1)[0]
    assert "proxy_http_version 1.1;" in ws
    assert "proxy_set_header Upgrade $http_upgrade;" in ws
    assert "proxy_set_header Connection $connection_upgrade;" in ws
    assert "proxy_read_timeout 1d;" in ws


def test_geometry_and_bundles_served_by_nginx_with_a_year_immutable(tmp_path):
    text = conf(tmp_path)
    geo = text.split("boundaries-[0-9a-f]{16}", 1)[1].split("}", 2)
    assert f'Cache-Control "{IMMUTABLE}"' in "".join(geo[:2])
    assert f'alias "{tmp_path / "static"}/$1";' in text
    assert f'alias "{tmp_path / "bundles"}/";' in text
    without = conf(tmp_path, static_dir=None, frontend_dir=None)
    assert "/app/static/" not in without and "location /static/" not in without


def test_everything_nginx_writes_stays_in_its_prefix(tmp_path):
    text = conf(tmp_path)
    for directive in ("pid", "error_log", "access_log", "client_body_temp_path", "proxy_temp_path"):
        line = next(ln for ln in text.splitlines() if ln.strip().startswith(directive + " "))
        assert f'"{tmp_path}/' in line, line


def test_no_replica_is_an_error(tmp_path):
    with pytest.raises(ValueError):
        conf(tmp_path, replica_ports=[])


def test_the_chart_bundle_is_asked_for_with_the_page_and_the_route_cookie_still_set(tmp_path):
    # the app's pages: the browser fetches plotly's bundle while the page starts, not after the first chart
    text = conf(tmp_path, preload=["/static/js/PlotlyChart.abc.js"])
    page = text.split("location / {", 1)[1].split("}", 1)[0]
    assert "add_header Link $bsim_preload;" in page
    preloads = text.split('map "$http_sec_fetch_dest|$uri" $bsim_preload {', 1)[1].split("}", 1)[0]
    # with a page the browser opens, never with a request the page makes (host-config, favicon, media)
    assert '"~^document\\|" "</static/js/PlotlyChart.abc.js>; rel=modulepreload";' in preloads
    assert 'default "";' in preloads
    assert '"document|/map" "";' in preloads    # the map explorer's first view draws its map as SVG
    # an add_header in a location replaces the server's: the sticky-session cookie is set there again
    assert "add_header Set-Cookie $bsim_route_cookie;" in page
    assert "Link" not in conf(tmp_path).split("location / {", 1)[1]
    (tmp_path / "logs").mkdir()
    (tmp_path / "temp").mkdir()
    (tmp_path / "nginx.conf").write_text(text)
    proc = subprocess.run([nginx_binary(), "-t", "-e", str(tmp_path / "logs" / "error.log"), "-c",
                           str(tmp_path / "nginx.conf"), "-p", str(tmp_path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_only_the_app_preloads_the_chart_bundle():
    from serve.stack import Stack, preload_bundles
    bundles = preload_bundles()
    assert bundles and all(b.startswith("/static/js/PlotlyChart.") for b in bundles)   # this Streamlit's file
    assert Stack(script="app.py")._preloads() and not Stack(script="bench/hello.py")._preloads()
    assert Stack(script="bench/hello.py", preload=True)._preloads()


def test_a_deep_linked_page_is_told_where_the_server_is(tmp_path):
    """Streamlit's page, opened at /map, would first look for its server under /map/ (a 404 and a retry)."""
    from serve.nginx import BACKEND_AT_ROOT
    page = conf(tmp_path).split("location / {", 1)[1].split("proxy_read_timeout", 1)[0]
    assert f'sub_filter "<head>" "{BACKEND_AT_ROOT}";' in page and "sub_filter_once on;" in page
    assert 'proxy_set_header Accept-Encoding "";' in page      # the page passes as text through sub_filter
    assert "BACKEND_BASE_URL:location.origin+'/'" in BACKEND_AT_ROOT and '"' not in BACKEND_AT_ROOT
    (tmp_path / "logs").mkdir()
    (tmp_path / "temp").mkdir()
    (tmp_path / "nginx.conf").write_text(conf(tmp_path))
    proc = subprocess.run([nginx_binary(), "-t", "-e", str(tmp_path / "logs" / "error.log"), "-c",
                           str(tmp_path / "nginx.conf"), "-p", str(tmp_path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
