"""The nginx configuration of the production layout: one nginx in front of N Streamlit replicas on loopback.

* **Sticky sessions by a cookie nginx sets itself.** A first request without the ``bsim_route`` cookie goes
  to the replica with the fewest open connections (``least_conn``: new sessions are spread evenly) and is
  answered with ``Set-Cookie: bsim_route=<that replica's port>``; every later request of that browser
  carries the cookie and goes to that replica's own group (the replica, the others as its backups), so the
  websocket, the media files (downloads) and uploads of one browser reach the replica that holds its
  session. The cookie is set again only when another replica answered (a fail-over). Routing by client address (``ip_hash``) would send every user behind one proxy — and every
  test session from 127.0.0.1 — to one replica.
* **Websockets** (``/_stcore/stream``, also under a page's path): HTTP/1.1 upgrade, a day of read time.
* **A deep-linked page connects at once.** Streamlit's frontend, opened at ``/map``, first asks for
  ``/map/_stcore/health`` (a 404), then for ``/_stcore/health``: a round trip and a retry before the
  session starts. The app is served at the root, so the page says so (``window.__streamlit.BACKEND_BASE_URL``,
  Streamlit's own setting for a frontend served apart from its server), written into Streamlit's
  ``index.html`` as it passes (``sub_filter``).
* **Fail-over**: a replica that refuses a connection is passed over (``proxy_next_upstream``) and left
  out for ``fail_timeout``; its browsers reconnect (Streamlit's frontend does by itself) and are routed
  to a live replica. Sessions on the other replicas are not touched.
* **Static files from nginx itself**: the commune geometry (``/app/static/boundaries-<hash>.geojson``,
  a content-hashed name) with ``Cache-Control: public, max-age=31536000, immutable``, and Streamlit's
  own content-hashed frontend bundles (``/static/``), so no replica spends its event loop on them;
  text is gzipped here (Streamlit deliberately leaves compression to the proxy).

Everything nginx writes (pid, logs, temp files) is under ``prefix``: it runs unprivileged, in the
foreground (``nginx -c CONF -p PREFIX -g 'daemon off;'``).
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

ROUTE_COOKIE = "bsim_route"
IMMUTABLE = "public, max-age=31536000, immutable"
# the geometry's versioned file name (dashboard/data/static_geometry.py writes it)
VERSIONED_GEOMETRY = r"boundaries-[0-9a-f]{16}\.geojson"
MIME_TYPES = Path("/etc/nginx/mime.types")
# pages whose first view draws no plotly chart (the map explorer's map is SVG: dashboard/ui/geo_map.py), so
# the browser is not asked for plotly's 4.7 MB bundle with them
NO_CHART_PAGES = ("/map",)
# what Streamlit's index.html gets at its start: the server is at this origin's root (see above)
BACKEND_AT_ROOT = "<head><script>window.__streamlit={BACKEND_BASE_URL:location.origin+'/'}</script>"
GZIP_TYPES = ("text/plain", "text/css", "application/javascript", "text/javascript", "application/json",
              "application/geo+json", "image/svg+xml")


def _q(path: Path | str) -> str:
    """A path as an nginx string (quoted; nginx paths must not carry quotes themselves)."""
    text = str(path)
    if '"' in text:
        raise ValueError(f"nginx paths cannot contain a double quote: {text!r}")
    return f'"{text}"'


def _dir(path: Path | str, then: str = "") -> str:
    """A directory for ``alias``: quoted, with its trailing slash (and ``then`` after it, inside the quotes)."""
    return _q(str(path).rstrip("/") + "/" + then)


def nginx_config(*, listen: str, port: int, replica_ports: Sequence[int], prefix: Path,
                 static_dir: Path | None, frontend_dir: Path | None = None, mime_types: Path | None = MIME_TYPES,
                 preload: Sequence[str] = (),
                 fail_timeout_s: int = 5) -> str:
    """The whole ``nginx.conf`` text.

    ``listen``/``port``: where browsers connect; ``replica_ports``: the Streamlit replicas on 127.0.0.1;
    ``prefix``: nginx's own folder (pid, logs, temp); ``static_dir``: the app's static folder (the
    geometry), None to leave it to the replicas; ``frontend_dir``: Streamlit's ``static/static`` folder of
    content-hashed bundles, None to leave it to the replicas."""
    if not replica_ports:
        raise ValueError("at least one replica port is needed")
    prefix = Path(prefix)
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout={fail_timeout_s}s;"
                        for p in replica_ports)
    # one group per replica: the replica first, the others as its backups (fail-over of its browsers)
    own_groups = "\n".join(
        f"    upstream bsim_{p} {{\n        server 127.0.0.1:{p} max_fails=1 fail_timeout={fail_timeout_s}s;\n"
        + "".join(f"        server 127.0.0.1:{q} backup;\n" for q in replica_ports if q != p)
        + "        keepalive 8;\n    }"
        for p in replica_ports)
    routes = "\n".join(f'        "{p}" bsim_{p};' for p in replica_ports)
    mime = f"    include {_q(mime_types)};\n" if mime_types and Path(mime_types).exists() else ""
    proxy_common = """            proxy_pass http://$bsim_upstream;
            proxy_http_version 1.1;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_next_upstream error timeout http_502 http_503;
            proxy_connect_timeout 3s;"""
    static_block = ""
    if static_dir is not None:
        static_block = f"""
        # the commune geometry: a content-hashed name, so it never changes under its URL
        location ~ "^/app/static/({VERSIONED_GEOMETRY})$" {{
            alias {_dir(static_dir, '$1')};
            types {{ application/geo+json geojson; }}
            add_header Cache-Control "{IMMUTABLE}";
            add_header Access-Control-Allow-Origin "*";
        }}
        location /app/static/ {{
            alias {_dir(static_dir)};
            types {{ application/geo+json geojson; }}
            add_header Cache-Control "no-cache";
        }}"""
    frontend_block = ""
    if frontend_dir is not None:
        frontend_block = f"""
        # Streamlit's frontend bundles: content-hashed file names
        location /static/ {{
            alias {_dir(frontend_dir)};
            add_header Cache-Control "{IMMUTABLE}";
        }}"""
    preload_block = preload_map = ""
    if preload:   # an add_header here replaces the server's: the route cookie is set again beside it
        links = ", ".join(f"<{u}>; rel=modulepreload" for u in preload)
        # only with a page the browser opens (Sec-Fetch-Dest: document): Chromium acts on a Link header of
        # any answer, so on /_stcore/host-config or the favicon it fetched plotly's bundle for the map page
        # too; and not for a page that draws no plotly chart when it opens (an empty value sends no header)
        skipped = "".join(f'        "document|{path}" "";\n' for path in NO_CHART_PAGES)
        preload_map = f"""
    map "$http_sec_fetch_dest|$uri" $bsim_preload {{
{skipped}        "~^document\\|" "{links}";
        default "";
    }}"""
        preload_block = """
            add_header Set-Cookie $bsim_route_cookie;
            add_header Link $bsim_preload;"""
    return f"""# generated by `python -m serve` — do not edit: it is written anew at every start
worker_processes 1;
pid {_q(prefix / "nginx.pid")};
error_log {_q(prefix / "logs" / "error.log")} warn;

events {{
    worker_connections 4096;
}}

http {{
{mime}    default_type application/octet-stream;
    sendfile on;
    tcp_nodelay on;
    server_tokens off;
    client_max_body_size 200m;
    client_body_temp_path {_q(prefix / "temp" / "body")};
    proxy_temp_path {_q(prefix / "temp" / "proxy")};
    fastcgi_temp_path {_q(prefix / "temp" / "fastcgi")};
    uwsgi_temp_path {_q(prefix / "temp" / "uwsgi")};
    scgi_temp_path {_q(prefix / "temp" / "scgi")};

    gzip on;
    gzip_comp_level 5;
    gzip_min_length 1024;
    gzip_proxied any;
    gzip_vary on;
    gzip_types {" ".join(GZIP_TYPES)};

    # sticky sessions: a browser without the route cookie goes to the replica with the fewest open
    # connections (its websockets: the sessions it holds), and the answer names that replica in the cookie;
    # a browser with the cookie goes to its replica (or, when that one is down, to a backup of it)
    map $cookie_{ROUTE_COOKIE} $bsim_upstream {{
        default bsim_replicas;
{routes}
    }}
    # the replica that answered (the last one tried: a fail-over lists every one)
    map $upstream_addr $bsim_served {{
        "~:(?<port>\\d+)$" $port;
        default "";
    }}
    # the cookie is set when the browser has none or another replica answered it (a fail-over)
    map "$cookie_{ROUTE_COOKIE}|$bsim_served" $bsim_route_cookie {{
        "~^(?<held>\\d+)\\|\\1$" "";
        "~\\|(?<now>\\d+)$" "{ROUTE_COOKIE}=$now; Path=/; HttpOnly; SameSite=Lax";
        default "";
    }}
    # the log's route: the cookie, or the replica this first request was given
    map $cookie_{ROUTE_COOKIE} $bsim_route {{
        "" $bsim_served;
        default $cookie_{ROUTE_COOKIE};
    }}
{preload_map}
    map $http_upgrade $connection_upgrade {{
        default upgrade;
        "" close;
    }}

    log_format bsim '$remote_addr [$time_local] "$request" $status $body_bytes_sent '
                    'route=$bsim_route upstream=$upstream_addr rt=$request_time';
    access_log {_q(prefix / "logs" / "access.log")} bsim;

    upstream bsim_replicas {{
        least_conn;
{servers}
        keepalive 32;
    }}
{own_groups}

    server {{
        listen {listen}:{port};
        server_name _;
        add_header Set-Cookie $bsim_route_cookie;

        # the session websocket (Streamlit also tries it under a deep-linked page's path)
        location ~ /_stcore/stream$ {{
{proxy_common}
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_read_timeout 1d;
            proxy_send_timeout 1d;
            proxy_buffering off;
        }}
{static_block}{frontend_block}
        location / {{
{proxy_common}{preload_block}
            proxy_set_header Connection "";
            proxy_set_header Accept-Encoding "";   # sub_filter reads the page as text (nginx gzips it after)
            sub_filter_once on;
            sub_filter "<head>" "{BACKEND_AT_ROOT}";
            proxy_read_timeout 300s;
        }}
    }}
}}
"""
