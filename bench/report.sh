# Sourced by bench/run.sh: the Markdown summary of $ROWS (median over rounds per proxy and scenario),
# printed and appended to $RESULTS with the date, the command, the machine and the versions.
# Uses only POSIX awk (Debian's default awk is mawk: no asort).

summary_table() {
    local proxies="$1" idle="$2" after="$3"
    awk -F'\t' -v proxies="$proxies" -v idle="$idle" -v after="$after" '
        function median(list,    n, v, i, j, t) {
            n = split(list, v, " ")
            if (n == 0) return "-"
            for (i = 2; i <= n; i++) { t = v[i] + 0; for (j = i - 1; j >= 1 && v[j] + 0 > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
            return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
        }
        function add(key, column, value) { if (value != "-" && value != "") values[key, column] = values[key, column] " " value }
        function mib(kb) { return kb == "" ? "-" : sprintf("%.0f", kb / 1024) }
        NR == 1 { next }
        {
            key = $3 SUBSEP $2
            seen[key] = 1; rounds[key]++
            add(key, "rps", $4); add(key, "p50", $5); add(key, "p99", $6); add(key, "cpu", $7)
            non2xx[key] += $8; socket[key] += $9
        }
        END {
            split("h1-small h1-16k h2c-small", scenarios, " ")
            np = split(proxies, order, " ")
            n = split(idle, kv, " "); for (i = 1; i <= n; i++) { split(kv[i], p, "="); rssIdle[p[1]] = p[2] }
            n = split(after, kv, " "); for (i = 1; i <= n; i++) { split(kv[i], p, "="); rssAfter[p[1]] = p[2] }
            print "| scenario | proxy | req/s | p50 µs | p99 µs | CPU µs/req | non-2xx | socket errors | RSS idle MiB | RSS after MiB |"
            print "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
            for (s = 1; s <= 3; s++) for (i = 1; i <= np; i++) {
                key = scenarios[s] SUBSEP order[i]
                if (!(key in seen)) continue
                printf "| %s | %s | %s | %s | %s | %s | %d | %d | %s | %s |\n", scenarios[s], order[i],
                    median(values[key, "rps"]), median(values[key, "p50"]), median(values[key, "p99"]),
                    median(values[key, "cpu"]), non2xx[key], socket[key], mib(rssIdle[order[i]]), mib(rssAfter[order[i]])
            }
        }' "$ROWS"
}

write_report() {
    local idle="" after="" proxy report
    for proxy in "${!RSS_IDLE[@]}"; do idle+="$proxy=${RSS_IDLE[$proxy]} "; done
    for proxy in "${!RSS_AFTER[@]}"; do after+="$proxy=${RSS_AFTER[$proxy]} "; done

    report=$(
        echo
        echo "## $(date -u '+%Y-%m-%d %H:%M UTC')${LABEL:+ — $LABEL}"
        echo
        echo "- command: \`$COMMAND\`"
        echo "- machine: $(machine_line)"
        echo "- versions: $(versions_line)"
        echo "- setup: backend $BACKEND on CPU $LOAD_CPU with the load generator; each proxy pinned to CPU $PROXY_CPU;" \
            "wrk -t1 -c$CONNECTIONS -d$DURATION; h2load -n $H2_REQUESTS -c $H2_CLIENTS -m $H2_STREAMS (h2c);" \
            "median of $ROUNDS interleaved round(s); errors are summed over rounds"
        echo "- h1-small: GET /bench (1-byte body); h1-16k: GET /data?size=16&unit=KB (16 KiB body); h2c-small: GET /bench over h2c," \
            "whose p50 column is h2load's mean and p99 is not measured"
        echo
        summary_table "$PROXIES" "$idle" "$after"
        for proxy in $PROXIES; do
            if [[ -n ${NOT_RUN[$proxy]:-} ]]; then
                echo "| all | $proxy | not run: ${NOT_RUN[$proxy]} | - | - | - | - | - | - | - |"
            fi
        done
        echo
        echo "Per-round rows: \`$ROWS\` (not committed)."
    )
    echo "$report"
    if [[ ! -f $RESULTS ]]; then
        printf '# Benchmark results\n\nAppended by bench/run.sh; see bench/README.md for the method.\n' >"$RESULTS"
    fi
    echo "$report" >>"$RESULTS"
    log "appended to $RESULTS"
}
