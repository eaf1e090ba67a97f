# nginx.sh -- a private nginx on loopback for the end-to-end tests.
#
# Source it after lib.sh, then call nginx_start. It writes $T/nginx.conf,
# serves $T/www on 127.0.0.1:$NGINX_PORT (HTTP) and :$NGINX_TLS_PORT (HTTPS
# with a fresh self-signed certificate, $NGINX_CERT, for 127.0.0.1 and
# localhost), and logs every request to $NGINX_ACCESS_LOG as
#   remote connection connection_requests status method uri body_bytes
# Paths: /, /index.html, /bytes/1024, /bytes/65536 (static), /missing (404),
# /error (500, and nginx closes the connection), /post (200 "ok" to any
# method), /headers (200, the request's X-Logen and X-One headers echoed),
# /slow (1024 bytes at 1 byte/s). One process (master_process off)
# in the foreground, a child of the test: nginx_stop, also run on exit,
# ends exactly that PID. Ports are random high ones, retried when taken.
# NGINX_WORKER_CONNECTIONS (default 256) raises nginx's connection limit.

NGINX_BIN=${NGINX_BIN:-/usr/sbin/nginx}
NGINX_PID=
NGINX_PORT=
NGINX_TLS_PORT=
NGINX_CERT=$T/nginx-cert.pem
NGINX_ACCESS_LOG=$T/nginx-access.log

nginx_stop() {
    [ -n "$NGINX_PID" ] || return 0
    local i=0
    kill -TERM "$NGINX_PID" 2>/dev/null
    while kill -0 "$NGINX_PID" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    kill -KILL "$NGINX_PID" 2>/dev/null
    wait "$NGINX_PID" 2>/dev/null
    NGINX_PID=
}

# Runs nginx_stop before whatever the EXIT trap already does (lib.sh's rm).
nginx_trap() {
    eval "set -- $(trap -p EXIT)"
    trap "nginx_stop; ${3:-}" EXIT
}
nginx_trap

nginx_files() {
    mkdir -p "$T/www/bytes" "$T/nginx-tmp"
    echo '<html><body>logen test page</body></html>' > "$T/www/index.html"
    head -c 1024 /dev/zero | tr '\0' 'a' > "$T/www/bytes/1024"
    head -c 65536 /dev/zero | tr '\0' 'b' > "$T/www/bytes/65536"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
        -subj /CN=localhost -addext 'subjectAltName=DNS:localhost,IP:127.0.0.1' \
        -keyout "$T/nginx-key.pem" -out "$NGINX_CERT" 2>"$T/openssl.err"
}

nginx_conf() { # nginx_conf PORT TLS_PORT
    cat > "$T/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
pid $T/nginx.pid;
error_log $T/nginx-error.log warn;
events { worker_connections ${NGINX_WORKER_CONNECTIONS:-256}; }
http {
    default_type application/octet-stream;
    log_format lg '\$remote_addr \$connection \$connection_requests \$status \$request_method \$request_uri \$body_bytes_sent';
    access_log $NGINX_ACCESS_LOG lg;
    client_body_temp_path $T/nginx-tmp/body;
    proxy_temp_path $T/nginx-tmp/proxy;
    fastcgi_temp_path $T/nginx-tmp/fastcgi;
    uwsgi_temp_path $T/nginx-tmp/uwsgi;
    scgi_temp_path $T/nginx-tmp/scgi;
    keepalive_timeout 60s;
    keepalive_requests 100000;
    server {
        listen 127.0.0.1:$1;
        listen 127.0.0.1:$2 ssl http2;
        ssl_certificate $NGINX_CERT;
        ssl_certificate_key $T/nginx-key.pem;
        root $T/www;
        location = /missing { return 404; }
        location = /error { return 500; }
        location = /post { return 200 "ok\n"; }
        location = /headers { return 200 "x-logen=\$http_x_logen x-one=\$http_x_one\n"; }
        location = /slow { alias $T/www/bytes/1024; limit_rate 1; }
    }
}
EOF
}

nginx_answers() { # nginx_answers PORT: true once something accepts on PORT
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# nginx_start: returns 0 with NGINX_PORT, NGINX_TLS_PORT exported, or 1 with
# the reason on stderr.
nginx_start() {
    local try port tls i
    nginx_files || { echo "nginx_start: openssl failed: $(cat "$T/openssl.err")" >&2; return 1; }
    for try in 1 2 3 4 5; do
        port=$((20000 + RANDOM % 40000))
        tls=$((port + 1))
        nginx_answers "$port" || nginx_answers "$tls" || {
            nginx_conf "$port" "$tls"
            : > "$T/nginx-error.log"
            "$NGINX_BIN" -p "$T" -c "$T/nginx.conf" -e "$T/nginx-error.log" </dev/null >/dev/null 2>&1 &
            NGINX_PID=$!
            for i in $(seq 1 "$(awk -v m="${MULT:-1}" 'BEGIN { print int(50 * m) }')"); do
                kill -0 "$NGINX_PID" 2>/dev/null || break
                if nginx_answers "$port" && nginx_answers "$tls"; then
                    export NGINX_PORT=$port NGINX_TLS_PORT=$tls NGINX_PID NGINX_CERT NGINX_ACCESS_LOG
                    return 0
                fi
                sleep 0.1
            done
            nginx_stop
            grep -q 'in use' "$T/nginx-error.log" || break
        }
    done
    echo "nginx_start: nginx did not start: $(tail -3 "$T/nginx-error.log" 2>/dev/null)" >&2
    return 1
}
