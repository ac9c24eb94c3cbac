# Shared by scripts/test.sh, bench/*.sh and ./preflight: installs and starts what Preflight needs.
# Source it; it defines functions only.

AZURITE_VERSION="3.37.0"
# Azurite's well-known development account (public, documented by Microsoft; not a secret).
AZURITE_ACCOUNT="devstoreaccount1"
AZURITE_KEY="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

_sudo() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

ensure_ffmpeg() {
  if command -v ffprobe >/dev/null 2>&1 && command -v ffmpeg >/dev/null 2>&1; then return 0; fi
  echo "preflight: installing Debian's ffmpeg (ffprobe/ffmpeg) ..." >&2
  _sudo apt-get -o DPkg::Lock::Timeout=600 update -qq
  _sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq ffmpeg >/dev/null
}

# Debian's Chromium, which the browser tests drive through Playwright (its own browser download cannot work offline).
ensure_chromium() {
  if [[ -x "${PREFLIGHT_CHROMIUM:-/usr/bin/chromium}" ]]; then return 0; fi
  echo "preflight: installing Debian's chromium (browser tests) ..." >&2
  _sudo apt-get -o DPkg::Lock::Timeout=600 update -qq
  _sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq chromium >/dev/null
}

azurite_bin() {
  echo "${PREFLIGHT_ROOT:-$root}/.tools/azurite/node_modules/.bin/azurite"
}

ensure_azurite() {
  local dir="${PREFLIGHT_ROOT:-$root}/.tools/azurite"
  if [[ -x "$(azurite_bin)" ]] && grep -q "\"version\": \"$AZURITE_VERSION\"" "$dir/node_modules/azurite/package.json" 2>/dev/null; then
    return 0
  fi
  echo "preflight: installing azurite@$AZURITE_VERSION from npm into .tools/azurite ..." >&2
  mkdir -p "$dir"
  [[ -f "$dir/package.json" ]] || echo '{"name":"preflight-tools","private":true}' > "$dir/package.json"
  npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "azurite@$AZURITE_VERSION" >/dev/null
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

wait_port() { # host port seconds
  local i
  for ((i = 0; i < $3 * 10; i++)); do
    if (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  return 1
}

# start_azurite DIR: blob + queue on free loopback ports; sets azurite_pid, exports PREFLIGHT_TEST_AZURITE.
start_azurite() {
  local location="$1"
  mkdir -p "$location"
  AZURITE_BLOB_PORT=$(free_port)
  AZURITE_QUEUE_PORT=$(free_port)
  # --skipApiVersionCheck: SDK 12.30 speaks a newer API version than Azurite knows.
  # --disableTelemetry: without it Azurite ignores SIGTERM.
  "$(azurite_bin)" --blobHost 127.0.0.1 --blobPort "$AZURITE_BLOB_PORT" \
    --queueHost 127.0.0.1 --queuePort "$AZURITE_QUEUE_PORT" \
    --tableHost 127.0.0.1 --tablePort "$(free_port)" \
    --location "$location" --silent --skipApiVersionCheck --disableTelemetry \
    >"$location/azurite.log" 2>&1 &
  azurite_pid=$!
  if ! wait_port 127.0.0.1 "$AZURITE_BLOB_PORT" 30 || ! wait_port 127.0.0.1 "$AZURITE_QUEUE_PORT" 30; then
    echo "preflight: Azurite did not start; its log:" >&2
    cat "$location/azurite.log" >&2
    return 1
  fi
  export AZURITE_BLOB_PORT AZURITE_QUEUE_PORT
  export PREFLIGHT_TEST_AZURITE="DefaultEndpointsProtocol=http;AccountName=$AZURITE_ACCOUNT;AccountKey=$AZURITE_KEY;BlobEndpoint=http://127.0.0.1:$AZURITE_BLOB_PORT/$AZURITE_ACCOUNT;QueueEndpoint=http://127.0.0.1:$AZURITE_QUEUE_PORT/$AZURITE_ACCOUNT;"
}

# The runtime identifier of this machine for a ReadyToRun publish (linux-x64, linux-arm64).
dotnet_rid() {
  case "$(uname -m)" in
    x86_64|amd64) echo linux-x64 ;;
    aarch64|arm64) echo linux-arm64 ;;
    *) echo "linux-$(uname -m)" ;;
  esac
}

# publish_cli OUTDIR ARTIFACTS: the CLI as users run it (./preflight and bench/): a Native AOT executable compiled
# for this machine's CPU (IlcInstructionSet=native: the AVX2 checksum and SHA paths are compiled in, not behind a
# JIT), so a `check` spends its time inspecting instead of starting a runtime and JIT-compiling the engine
# (docs/benchmarks.md, issues 9 and 14). Native AOT needs a C toolchain (gcc or clang); without one, or if the AOT
# step fails, the ReadyToRun framework-dependent build is published instead, with one line saying so.
# The Dockerfile keeps ReadyToRun: a long-running `serve`/`worker` gains nothing from AOT and must run on any CPU.
# Quiet; prints the build log and returns 1 on failure. cli_command OUTDIR then says how to run what was built.
publish_cli() {
  local out="$1" artifacts="$2" log
  log="$(mktemp)"
  rm -rf "$out"
  if [[ "${PREFLIGHT_CLI_BUILD:-aot}" == aot ]] && (command -v gcc >/dev/null 2>&1 || command -v clang >/dev/null 2>&1) \
     && dotnet_publish_cli "$out" "$artifacts/aot" -p:PublishAot=true -p:IlcInstructionSet=native -p:DebugType=none >"$log" 2>&1; then
    rm -f "$log"
    return 0
  fi
  if [[ "${PREFLIGHT_CLI_BUILD:-aot}" == aot ]]; then
    if ! command -v gcc >/dev/null 2>&1 && ! command -v clang >/dev/null 2>&1; then
      echo "preflight: Native AOT needs a C toolchain (gcc or clang; Debian: apt-get install gcc); using the ReadyToRun build instead." >&2
    else
      echo "preflight: the Native AOT build failed here (first errors below); using the ReadyToRun build instead." >&2
      grep -E "error" "$log" | head -5 >&2 || true
    fi
  fi
  rm -rf "$out"
  if ! dotnet_publish_cli "$out" "$artifacts" --self-contained false -p:PublishReadyToRun=true >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    return 1
  fi
  rm -f "$log"
}

# dotnet_publish_cli OUTDIR ARTIFACTS [MSBUILD ARGS...]: `dotnet publish` of the CLI for this machine's runtime id.
dotnet_publish_cli() {
  local out="$1" artifacts="$2"
  shift 2
  (cd "$(dirname -- "${BASH_SOURCE[0]}")/.." && DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 \
    dotnet publish src/Preflight.Cli/Preflight.Cli.csproj -c Release -r "$(dotnet_rid)" "$@" \
      -o "$out" --artifacts-path "$artifacts" --nologo -v q -clp:ErrorsOnly)
}

# cli_command OUTDIR: sets the array preflight_cli to the command that runs the CLI publish_cli put in OUTDIR (the
# native executable, or `dotnet preflight.dll` for the ReadyToRun fallback).
cli_command() {
  if [[ -f "$1/preflight.dll" ]]; then preflight_cli=(dotnet "$1/preflight.dll"); else preflight_cli=("$1/preflight"); fi
}
