#!/usr/bin/env bash
# Regenerates the generated files of testdata/ (see testdata/README.md for what each category is).
#
#   scripts/make-testdata.sh                   regenerate every generated file
#   scripts/make-testdata.sh --with-real-world also fetch testdata/real-world/ from Debian packages
#                                              (needs apt-get download + network; see testdata/PROVENANCE.md)
#
# Tools: Debian's ffmpeg (5.1), python3 (stdlib only), head, printf. Encoders run single-threaded
# with bitexact flags and seeded sources so a rerun on the same ffmpeg gives the same bytes.
# Never run ffprobe/ffmpeg on testdata/hostile/: the self-referencing playlist makes ffprobe spin.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TD="$ROOT/testdata"
WITH_REAL_WORLD=0
for arg in "$@"; do
  case "$arg" in
    --with-real-world) WITH_REAL_WORLD=1 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "unknown argument: $arg" >&2; exit 2 ;;
  esac
done

for tool in ffmpeg python3 head; do
  command -v "$tool" >/dev/null || { echo "$tool is required (apt-get install -y ffmpeg python3)" >&2; exit 2; }
done

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# ---------------------------------------------------------------- helpers
ff() { ffmpeg -hide_banner -nostdin -loglevel error -y "$@"; }
# Output options that keep encoder versions, dates and metadata out of the bytes.
BX=(-fflags +bitexact -flags:v +bitexact -flags:a +bitexact -map_metadata -1)
H264=(-c:v libx264 -preset veryfast -crf 38 -pix_fmt yuv420p -threads 1 -x264-params threads=1:lookahead-threads=1)
AAC=(-c:a aac -b:a 24k -ac 1 -ar 22050)

# video OUT WIDTH HEIGHT FPS SECONDS [output options...]: testsrc2 + a 440 Hz tone, h264/aac.
video() {
  local out=$1 w=$2 h=$3 fps=$4 secs=$5; shift 5
  ff -f lavfi -i "testsrc2=size=${w}x${h}:rate=${fps}:duration=${secs}" \
     -f lavfi -i "sine=frequency=440:sample_rate=22050:duration=${secs}" \
     "${H264[@]}" "${AAC[@]}" "${BX[@]}" "$@" "$out"
}

# flat OUT WIDTH HEIGHT FPS SECONDS [output options...]: a flat colour, no audio (large sizes stay tiny).
flat() {
  local out=$1 w=$2 h=$3 fps=$4 secs=$5; shift 5
  ff -f lavfi -i "color=c=0x336699:size=${w}x${h}:rate=${fps}:duration=${secs}" \
     "${H264[@]}" "${BX[@]}" "$@" "$out"
}

# still OUT WIDTH HEIGHT [output options...]: one testsrc2 frame as an image (format from OUT's extension
# unless -f is given).
still() {
  local out=$1 w=$2 h=$3; shift 3
  ff -f lavfi -i "testsrc2=size=${w}x${h}:rate=1" -frames:v 1 "${BX[@]}" "$@" "$out"
}

# tone OUT SECONDS RATE [output options...]
tone() {
  local out=$1 secs=$2 rate=$3; shift 3
  ff -f lavfi -i "sine=frequency=440:sample_rate=${rate}:duration=${secs}" "${BX[@]}" "$@" "$out"
}

PY="$WORK/mangle.py"
cat >"$PY" <<'PYTHON'
"""Byte surgery on generated media (stdlib only). Usage: mangle.py OP ARGS..."""
import random, struct, sys, zlib

def read(p): return open(p, "rb").read()
def write(p, b): open(p, "wb").write(b)

def boxes(b):
    """Top-level ISO BMFF boxes as (type, offset, size)."""
    out, o = [], 0
    while o + 8 <= len(b):
        size, typ = struct.unpack(">I4s", b[o:o + 8])
        if size == 1: size = struct.unpack(">Q", b[o + 8:o + 16])[0]
        if size == 0: size = len(b) - o
        out.append((typ.decode("latin-1"), o, size))
        o += size
    return out

def box(b, name):
    return next(x for x in boxes(b) if x[0] == name)

def mp3_frames(b):
    """(offset, length) of each MPEG audio layer III frame after an ID3v2 tag."""
    o = 0
    if b[:3] == b"ID3":
        o = 10 + ((b[6] << 21) | (b[7] << 14) | (b[8] << 7) | b[9])
    rates = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}
    kbps_v1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
    kbps_v2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]
    frames = []
    while o + 4 <= len(b):
        h = struct.unpack(">I", b[o:o + 4])[0]
        if (h >> 21) & 0x7FF != 0x7FF: raise SystemExit(f"no frame sync at {o}")
        ver, bri, sri, pad = (h >> 19) & 3, (h >> 12) & 15, (h >> 10) & 3, (h >> 9) & 1
        kbps = (kbps_v1 if ver == 3 else kbps_v2)[bri]
        length = (144 if ver == 3 else 72) * kbps * 1000 // rates[ver][sri] + pad
        frames.append((o, length))
        o += length
    return frames

def main(op, *a):
    if op == "mp4-cut-mdat":            # IN OUT FRACTION: keep everything up to FRACTION of mdat
        b = read(a[0]); _, off, size = box(b, "mdat")
        write(a[1], b[:off + int(size * float(a[2]))])
    elif op == "mp4-drop-box":          # IN OUT TYPE
        b = read(a[0]); _, off, size = box(b, a[2])
        write(a[1], b[:off] + b[off + size:])
    elif op == "mp4-damage-mdat":       # IN OUT FRACTION LENGTH SEED: overwrite bytes inside mdat
        b = bytearray(read(a[0])); _, off, size = box(b, "mdat")
        at, n = off + int(size * float(a[2])), int(a[3])
        b[at:at + n] = random.Random(int(a[4])).randbytes(n)
        write(a[1], bytes(b))
    elif op == "mp4-append-box":        # IN OUT DECLARED PRESENT: a 'free' box declaring more than is there
        declared, present = int(a[2]), int(a[3])
        write(a[1], read(a[0]) + struct.pack(">I4s", declared, b"free") + bytes(present - 8))
    elif op == "mp4-insert-tiny-box":   # IN OUT: a box whose size (4) is smaller than its own header
        b = read(a[0]); _, off, size = box(b, "ftyp")
        write(a[1], b[:off + size] + struct.pack(">I4s", 4, b"free") + b[off + size:])
    elif op == "jpeg-strip-eoi":        # IN OUT
        b = read(a[0]); assert b[-2:] == b"\xff\xd9"; write(a[1], b[:-2])
    elif op == "jpeg-set-size":         # IN OUT WIDTH HEIGHT: rewrite SOF0's dimensions only
        b = bytearray(read(a[0])); i = b.index(b"\xff\xc0")
        struct.pack_into(">HH", b, i + 5, int(a[3]), int(a[2])); write(a[1], bytes(b))
    elif op == "png-bad-crc":           # IN OUT: flip one bit of the first IDAT's CRC
        b = bytearray(read(a[0])); i = b.index(b"IDAT"); n = struct.unpack(">I", b[i - 4:i])[0]
        b[i + 4 + n + 3] ^= 0x01; write(a[1], bytes(b))
    elif op == "png-strip-iend":        # IN OUT
        b = read(a[0]); assert b[-8:-4] == b"IEND"; write(a[1], b[:-12])
    elif op == "png-huge":              # OUT WIDTH HEIGHT: signature + IHDR + 8-byte IDAT + IEND = 65 bytes
        def chunk(t, d): return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
        ihdr = struct.pack(">IIBBBBB", int(a[1]), int(a[2]), 8, 2, 0, 0, 0)
        data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")
        assert len(data) == 65, len(data); write(a[0], data)
    elif op == "wav-set-u32":           # IN OUT OFFSET VALUE (or 'data' = the data chunk's size field)
        b = bytearray(read(a[0])); at = b.index(b"data") + 4 if a[2] == "data" else int(a[2])
        struct.pack_into("<I", b, at, int(a[3], 0)); write(a[1], bytes(b))
    elif op == "wav-set-u16":           # IN OUT OFFSET VALUE
        b = bytearray(read(a[0])); struct.pack_into("<H", b, int(a[2]), int(a[3], 0)); write(a[1], bytes(b))
    elif op == "wav-overclaimed":       # OUT: canonical 16-bit mono header declaring 0xFFFFFFFF data, 16 bytes present
        fmt = struct.pack("<HHIIHH", 1, 1, 8000, 16000, 2, 16)
        body = b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt + b"data" + struct.pack("<I", 0xFFFFFFFF) + bytes(range(16))
        write(a[0], b"RIFF" + struct.pack("<I", len(body)) + body)
    elif op == "rf64-absurd":           # OUT: RF64 whose ds64 declares a negative (as int64) RIFF and data size
        fmt = struct.pack("<HHIIHH", 1, 1, 8000, 16000, 2, 16)
        ds64 = struct.pack("<QQQI", 0x8000000000000000, 0x8000000000000010, 0x4000000000000000, 0)
        body = (b"WAVE" + b"ds64" + struct.pack("<I", len(ds64)) + ds64 + b"fmt " + struct.pack("<I", 16) + fmt
                + b"data" + struct.pack("<I", 0xFFFFFFFF) + bytes(range(16)))
        write(a[0], b"RF64" + struct.pack("<I", 0xFFFFFFFF) + body)
    elif op == "mp3-cut-last-frame":    # IN OUT: drop the second half of the last frame
        b = read(a[0]); off, n = mp3_frames(b)[-1]; write(a[1], b[:off + n // 2])
    elif op == "mp3-insert-garbage":    # IN OUT LENGTH SEED: random bytes between two frames in the middle
        b = read(a[0]); fr = mp3_frames(b); off = fr[len(fr) // 2][0]
        garbage = random.Random(int(a[3])).randbytes(int(a[2]))
        write(a[1], b[:off] + garbage + b[off:])
    elif op == "id3-then-zeros":        # OUT LENGTH: an empty ID3v2.4 tag followed by zeros
        write(a[0], b"ID3\x04\x00\x00\x00\x00\x00\x00" + bytes(int(a[1])))
    elif op == "random":                # OUT LENGTH SEED
        write(a[0], random.Random(int(a[2])).randbytes(int(a[1])))
    else:
        raise SystemExit("unknown op " + op)

main(*sys.argv[1:])
PYTHON
mangle() { python3 "$PY" "$@"; }

# Start clean (real-world/ is kept unless it is being re-fetched).
for dir in valid mislabeled unsupported corrupt limits hostile; do rm -rf "${TD:?}/$dir"; mkdir -p "$TD/$dir"; done

# ---------------------------------------------------------------- sources reused below
SRC="$WORK/src"; mkdir -p "$SRC"
video "$SRC/fast.mp4" 640 360 25 2 -movflags +faststart
video "$SRC/slow.mp4" 640 360 25 2
still "$SRC/image.jpg" 320 180 -q:v 8
still "$SRC/image.png" 160 90
tone "$SRC/audio.wav" 1 22050 -c:a pcm_s16le -ac 1
tone "$SRC/audio.mp3" 2 44100 -c:a libmp3lame -b:a 64k -ac 1

# ---------------------------------------------------------------- valid/
V="$TD/valid"
cp "$SRC/fast.mp4" "$V/video-h264-aac-640x360-25fps-faststart.mp4"
cp "$SRC/image.jpg" "$V/image-320x180.jpg"
cp "$SRC/image.jpg" "$V/IMAGE-UPPERCASE-EXTENSION.JPEG"
cp "$SRC/image.png" "$V/image-160x90.png"
cp "$SRC/audio.wav" "$V/audio-pcm16-22khz-mono.wav"
cp "$SRC/audio.mp3" "$V/audio-64kbps-mono.mp3"
tone "$V/audio-rf64.wav" 1 8000 -c:a pcm_s16le -ac 1 -rf64 always
flat "$V/video-no-audio-320x180.mp4" 320 180 25 1 -movflags +faststart
# Stored landscape 640x360 with a 90° display matrix: displayed as 360x640 portrait.
# ffmpeg 5.1 drops 'rotate' when encoding but turns it into a tkhd display matrix on a stream copy.
ff -i "$SRC/fast.mp4" -c copy -metadata:s:v:0 rotate=90 "${BX[@]}" -movflags +faststart "$V/video-rotated-portrait-360x640.mp4"
cp "$SRC/slow.mp4" "$V/warning-not-faststart.mp4"
video "$V/warning-30fps.mp4" 640 360 30 2 -movflags +faststart

# ---------------------------------------------------------------- mislabeled/
M="$TD/mislabeled"
cp "$SRC/image.png" "$M/png-named.jpg"
cp "$SRC/image.jpg" "$M/jpg-named.png"
cp "$SRC/image.png" "$M/png-named.mp4"
video "$M/mov-named.mp4" 640 360 25 2 -f mov -movflags +faststart
cp "$SRC/audio.wav" "$M/wav-named.mp3"
cp "$SRC/audio.mp3" "$M/mp3-named.wav"
cp "$SRC/fast.mp4" "$M/mp4-named.jpg"
cp "$SRC/fast.mp4" "$M/mp4-named.mp3"

# ---------------------------------------------------------------- unsupported/
U="$TD/unsupported"
ff -f lavfi -i "testsrc2=size=64x64:rate=25:duration=1" -c:v libvpx -b:v 50k -threads 1 "${BX[@]}" -f webm "$U/webm-named.mp4"
cp "$U/webm-named.mp4" "$U/video.webm"
ff -f lavfi -i "testsrc2=size=64x64:rate=25:duration=1" "${H264[@]}" "${BX[@]}" -f matroska "$U/mkv-named.mp4"
video "$U/video.mov" 640 360 25 2 -f mov -movflags +faststart
cp "$SRC/fast.mp4" "$U/mp4-without-extension"
tone "$U/m4a-named.mp4" 1 22050 "${AAC[@]}" -movflags +faststart -f ipod
still "$U/gif-named.png" 64 36 -f gif
cp "$U/gif-named.png" "$U/image.gif"
still "$U/bmp-named.jpg" 32 18 -f image2 -c:v bmp
still "$U/tiff-named.png" 32 18 -f image2 -c:v tiff
tone "$U/flac-named.wav" 1 8000 -c:a flac -f flac
cp "$U/flac-named.wav" "$U/audio.flac"
tone "$U/aac-adts-named.mp3" 1 22050 "${AAC[@]}" -f adts
printf 'Shot list for the launch video.\n1. Intro\n2. Demo\n' >"$U/notes.txt"
printf '<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head>\n<body><h1>Not Found</h1><p>The requested URL was not found on this server.</p></body></html>\n' \
  >"$U/html-error-page.mp4"
# A minimal one-page PDF (no xref offsets needed for sniffing; readers repair it).
printf '%%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%%%EOF\n' \
  >"$U/pdf-named.jpg"

# ---------------------------------------------------------------- corrupt/
C="$TD/corrupt"
: >"$C/empty.mp4"
: >"$C/empty.jpg"
mangle mp4-cut-mdat "$SRC/fast.mp4" "$C/mp4-truncated-faststart-mid-mdat.mp4" 0.5
mangle mp4-cut-mdat "$SRC/slow.mp4" "$C/mp4-truncated-before-moov.mp4" 0.5
mangle mp4-append-box "$SRC/fast.mp4" "$C/mp4-box-past-eof.mp4" 1048576 16
mangle mp4-drop-box "$SRC/fast.mp4" "$C/mp4-no-moov.mp4" moov
head -c 100 "$SRC/fast.mp4" >"$C/mp4-header-only-100-bytes.mp4"
# Quick mode cannot see this one: every box is intact, only the coded data in the middle is garbage.
mangle mp4-damage-mdat "$SRC/fast.mp4" "$C/mp4-mid-data-damaged-deep-only.mp4" 0.3 4096 7
mangle jpeg-strip-eoi "$SRC/image.jpg" "$C/jpeg-no-eoi.jpg"
head -c "$(( $(wc -c <"$SRC/image.jpg") / 2 ))" "$SRC/image.jpg" >"$C/jpeg-truncated-mid-scan.jpg"
head -c 100 "$SRC/image.jpg" >"$C/jpeg-header-only-100-bytes.jpg"
mangle png-bad-crc "$SRC/image.png" "$C/png-bad-idat-crc.png"
mangle png-strip-iend "$SRC/image.png" "$C/png-no-iend.png"
head -c "$(( $(wc -c <"$SRC/image.png") / 2 ))" "$SRC/image.png" >"$C/png-truncated-mid-idat.png"
head -c 100 "$SRC/image.png" >"$C/png-header-only-100-bytes.png"
head -c "$(( $(wc -c <"$SRC/audio.wav") / 2 ))" "$SRC/audio.wav" >"$C/wav-data-longer-than-file.wav"
head -c 44 "$SRC/audio.wav" >"$C/wav-header-only.wav"
head -c 16384 /dev/zero >"$C/mp3-all-zeros.mp3"
mangle random "$C/mp3-random-bytes.mp3" 16384 3
mangle id3-then-zeros "$C/mp3-id3-tag-then-zeros.mp3" 8192
mangle mp3-cut-last-frame "$SRC/audio.mp3" "$C/mp3-cut-last-frame.mp3"
mangle mp3-insert-garbage "$SRC/audio.mp3" "$C/mp3-garbage-between-frames.mp3" 8192 5

# ---------------------------------------------------------------- limits/
L="$TD/limits"
flat "$L/video-2048x1152.mp4" 2048 1152 25 1 -movflags +faststart
flat "$L/video-1920x1080.mp4" 1920 1080 25 1 -movflags +faststart
flat "$L/video-1280x720.mp4" 1280 720 25 1 -movflags +faststart
# 181 s of a flat colour at 25 fps: skipped frames cost a few bytes each.
flat "$L/video-181s-64x64.mp4" 64 64 25 181 -movflags +faststart
still "$L/image-2048x16.png" 2048 16
# testsrc2 rounds odd widths down to even; testsrc keeps 2047.
ff -f lavfi -i "testsrc=size=2047x16:rate=1" -frames:v 1 "${BX[@]}" "$L/image-2047x16.png"
still "$L/image-16x2048.jpg" 16 2048 -q:v 8
# 601 s of audio, as small as MP3 gets: MPEG-2.5 8 kHz mono at 8 kbit/s (~600 KB).
tone "$L/audio-601s-8kbps.mp3" 601 8000 -c:a libmp3lame -b:a 8k -ac 1
ff -f lavfi -i "sine=frequency=440:sample_rate=22050:duration=1" "${AAC[@]}" "${BX[@]}" -movflags +faststart -f mp4 "$L/mp4-audio-only-no-video.mp4"

# ---------------------------------------------------------------- hostile/ (docs/sources/hostile-input.md)
H="$TD/hostile"
ff -f lavfi -i "testsrc2=size=64x64:rate=25:duration=1" "${H264[@]}" "${BX[@]}" -f mpegts "$H/hls-segment.ts"
printf '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.0,\nhls-segment.ts\n#EXT-X-ENDLIST\n' \
  >"$H/hls-playlist-lists-local-segment.mp4"
printf '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=100000\nhls-self-reference.mp4\n' >"$H/hls-self-reference.mp4"
printf "ffconcat version 1.0\nfile 'hls-segment.ts'\n" >"$H/ffconcat-names-neighbour.mp4"
mangle png-huge "$H/png-65-bytes-declares-60000x60000.png" 60000 60000
still "$WORK/small.jpg" 16 16 -q:v 8
mangle jpeg-set-size "$WORK/small.jpg" "$H/jpeg-declares-65500x65500.jpg" 65500 65500
mangle wav-overclaimed "$H/wav-data-size-ffffffff-holds-16-bytes.wav"
mangle wav-set-u16 "$SRC/audio.wav" "$H/wav-block-align-zero.wav" 32 0
mangle rf64-absurd "$H/rf64-negative-sizes.wav"
mangle mp4-insert-tiny-box "$SRC/fast.mp4" "$H/mp4-box-size-smaller-than-header.mp4"
cp "$SRC/fast.mp4" "$H/quote\" name with spaces.mp4"

# ---------------------------------------------------------------- real-world/ (only with --with-real-world)
if (( WITH_REAL_WORLD )); then
  R="$TD/real-world"; DEB="$WORK/deb"; mkdir -p "$R" "$DEB"
  # package | path inside the package | name in testdata/real-world/  (PROVENANCE.md lists the same)
  REAL=(
    "alsa-utils|usr/share/sounds/alsa/Front_Center.wav|alsa-utils-Front_Center.wav"
    "alsa-utils|usr/share/sounds/alsa/Noise.wav|alsa-utils-Noise.wav"
    "desktop-base|usr/share/desktop-base/spacefun-theme/login/sddm-preview.jpg|desktop-base-spacefun-sddm-preview-900x506.jpg"
    "desktop-base|usr/share/desktop-base/lines-theme/grub/grub-16x9.png|desktop-base-lines-grub-640x480.png"
    "desktop-base|usr/share/desktop-base/futureprototype-theme/grub/grub-16x9.png|desktop-base-futureprototype-grub-1920x1080.png"
    "desktop-base|usr/share/plymouth/themes/spacefun/background.png|desktop-base-spacefun-plymouth-2048x1542.png"
  )
  for entry in "${REAL[@]}"; do
    IFS='|' read -r pkg inner name <<<"$entry"
    if [[ ! -d "$DEB/$pkg" ]]; then
      (cd "$DEB" && apt-get download "$pkg" >/dev/null 2>&1) || { echo "apt-get download $pkg failed (run apt-get update?)" >&2; exit 1; }
      dpkg-deb -x "$DEB/${pkg}"_*.deb "$DEB/$pkg"
      echo "$pkg $(dpkg-deb -f "$DEB/${pkg}"_*.deb Version)"
    fi
    cp "$DEB/$pkg/$inner" "$R/$name"
  done
fi

echo "testdata regenerated: $(find "$TD" -type f | wc -l) files, $(du -sh "$TD" | cut -f1)"
