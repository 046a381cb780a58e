# Shared by scripts/check-guide-walk.sh and scripts/check-guide-docker.sh (sourced): both start
# the loopback model servers and read the guide's POSTGRES_* variables off the test server.
# Callers define `fail`, `$root`, `$scratch` and `stubs_pid` (their cleanup stops the servers).

# A free TCP port on 127.0.0.1.
free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }

# Starts the loopback Azure OpenAI / Azure AI and Ollama servers (the project's test servers);
# their endpoints end up in $scratch/stubs.json.
start_model_stubs() {
  "$root/node_modules/.bin/tsx" "$root/scripts/check-guide-walk-stubs.ts" >"$scratch/stubs.json" 2>"$scratch/stubs.log" &
  stubs_pid=$!
  for _ in $(seq 1 60); do
    [ -s "$scratch/stubs.json" ] && return 0
    kill -0 "$stubs_pid" 2>/dev/null || { cat "$scratch/stubs.log" >&2; fail "the loopback model servers did not start"; }
    sleep 0.5
  done
  fail "the loopback model servers did not start within 30s"
}

# Exports POSTGRES_HOST, POSTGRES_USER, POSTGRES_PASSWORD and the port (under the name $2) of
# the database server URL $1, as the guide's config and `docker run -e` lines name them.
export_postgres_env() {
  while IFS='=' read -r key value; do export "$key=$value"; done < <(node -e '
    const u = new URL(process.argv[1]);
    console.log(`POSTGRES_HOST=${u.hostname}\n${process.argv[2]}=${u.port || 5432}`);
    console.log(`POSTGRES_USER=${decodeURIComponent(u.username)}\nPOSTGRES_PASSWORD=${decodeURIComponent(u.password)}`);
  ' "$1" "$2")
}
