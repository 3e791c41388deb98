# Sourced by bench/run.sh: turns wrk and h2load output into one line of numbers,
#   "rps requests p50_us p99_us non2xx socket_errors"
# (h2load gives no percentiles: its mean latency stands in p50_us and p99_us is "-").

AWK_TO_US='
function to_us(v,    n) {
    n = v + 0
    if (v ~ /us$/) return n
    if (v ~ /ms$/) return n * 1000
    if (v ~ /m$/) return n * 60000000
    if (v ~ /s$/) return n * 1000000
    return n
}'

parse_wrk() {
    awk "$AWK_TO_US"'
        /requests in/ { requests = $1 }
        /^Requests\/sec:/ { rps = $2 }
        /^ +50%/ { p50 = to_us($2) }
        /^ +99%/ { p99 = to_us($2) }
        /Non-2xx or 3xx responses:/ { non2xx = $NF }
        /Socket errors:/ { gsub(/,/, ""); socket = $4 + $6 + $8 + $10 }
        END {
            if (requests == "") { print "- 0 - - - -"; exit }
            printf "%.0f %d %.0f %.0f %d %d\n", rps, requests, p50, p99, non2xx, socket
        }' "$1"
}

parse_h2load() {
    awk "$AWK_TO_US"'
        /^finished in/ { rps = $4 }
        /^requests:/ { done = $6; failed = $10; errored = $12; timeout = $14 }
        /^status codes:/ { non2xx = $5 + $7 + $9 }
        /^time for request:/ { mean = to_us($6) }
        END {
            if (rps == "") { print "- 0 - - - -"; exit }
            printf "%.0f %d %.0f - %d %d\n", rps, done, mean, non2xx, failed + errored + timeout
        }' "$1"
}
