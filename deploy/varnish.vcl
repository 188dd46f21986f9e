vcl 4.1;
# Varnish (Debian's varnish, 7.1) in front of `cisem-graph serve`: pages, documents, dumps and GET
# query answers come from the cache until the server serves another version. Start it with, e.g.
#
#   varnishd -F -a :80 -f "$PWD/deploy/varnish.vcl" -s malloc,256m
#
# and the server with (README, "A cache in front"):
#
#   CISEM_CACHE_SHARED_MAX_AGE=86400 CISEM_CACHE_BAN_URLS=http://127.0.0.1:80/ \
#   CISEM_TRUSTED_PROXIES=127.0.0.1 cisem-graph serve
#
# The server says how long each answer may be kept (Cache-Control: s-maxage; a dump under its
# version is immutable) and what it varies on (Vary); this file adds only two things:
# - BAN from the machine itself, sent by `cisem-graph reload` after a switch with the new version
#   in X-Dataset-Version: every object of another version is dropped, so the next request is
#   answered by the new version;
# - X-Cache: HIT or MISS on every answer, to see what the cache does.
# POST queries, the admin paths and anything with a cookie or a token go through uncached
# (Varnish's built-in rules; the server marks its admin, metrics and error answers no-store).

backend cisem {
    .host = "127.0.0.1";
    .port = "5000";
}

acl reloaders {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "BAN") {
        if (client.ip !~ reloaders) {
            return (synth(405, "BAN only from this machine"));
        }
        if (req.http.X-Dataset-Version !~ "^[0-9a-f]+$") {
            return (synth(400, "X-Dataset-Version: the version now served"));
        }
        ban("obj.http.X-Dataset-Version != " + req.http.X-Dataset-Version);
        return (synth(200, "Dropped every answer of another version"));
    }
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
