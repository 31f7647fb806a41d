# Sourced by bin/shmtel and bin/demo (ROOT set to the checkout): builds a module's jar when it is
# missing or older than any source of the checkout.

stale() { # JAR: missing, or a src/main file or a pom.xml is newer
    [ ! -f "$1" ] && return 0
    [ -n "$(find "$ROOT" \( -name target -o -name .git -o -name node_modules \) -prune -o \
        \( -path '*/src/main/*' -o -name pom.xml \) -type f -newer "$1" -print -quit)" ]
}

build() { # JAR MODULE
    if stale "$1"; then
        echo "shmtel: building $2 (mvn -B -DskipTests -pl $2 -am package)..." >&2
        local log
        log="$(mktemp "${TMPDIR:-/tmp}/shmtel-build.XXXXXX")"
        if ! (cd "$ROOT" && mvn -B -Dstyle.color=never -DskipTests -pl "$2" -am package >"$log" 2>&1); then
            grep -E '^\[(ERROR|WARNING)\]' "$log" | head -40 >&2 || true
            echo "shmtel: build failed; the whole log is in $log" >&2
            exit 1
        fi
        rm -f "$log"
    fi
}
