# Shared by bench/*.sh: the folders of mixed files the benchmarks check, built the same way by every script so
# their numbers describe the same corpus. Source after setting $root (the repo root); defines functions only.
# Needs ffmpeg for the --large corpus (bench/lib/common.sh's callers run ensure_ffmpeg first).

# testdata's categories a mixed folder copies; hostile/ is left out because ffprobe never finishes on one of them.
bench_corpus_categories=(valid mislabeled corrupt limits real-world unsupported)

# bench_corpus_mixed FOLDER COPIES: COPIES copies of testdata/{valid,mislabeled,corrupt,limits,real-world,unsupported}
# in FOLDER/copy1..copyN (72 small files, ~2.2 MB, per copy).
bench_corpus_mixed() {
  local folder="$1" copies="$2" c category
  for ((c = 1; c <= copies; c++)); do
    mkdir -p "$folder/copy$c"
    for category in "${bench_corpus_categories[@]}"; do cp -r "$root/testdata/$category" "$folder/copy$c/"; done
  done
}

# bench_corpus_large FOLDER COPIES SCRATCH: the issue-9 corpus (10 copies: ~1,600 files, ~275 MB). Each copy holds
# the mixed categories above, every valid/ and real-world/ file 5 more times in subfolders (so the mix keeps its
# proportions) and three files ffmpeg generates once into SCRATCH (never committed): a 30 s 1280x720 H.264/AAC MP4
# (~13 MB), a 35 s 16-bit stereo WAV (~6 MB) and a 120 s 128 kbit/s MP3 (~2 MB).
bench_corpus_large() {
  local folder="$1" copies="$2" gen="$3/generated" c k f
  bench_corpus_mixed "$folder" "$copies"
  mkdir -p "$gen"
  if [[ ! -f "$gen/generated-120s.mp3" ]]; then
    ffmpeg -v error -nostdin -y -f lavfi -i testsrc2=s=1280x720:r=25 -f lavfi -i sine=frequency=440:sample_rate=48000 \
      -t 30 -c:v libx264 -preset ultrafast -b:v 3400k -pix_fmt yuv420p -c:a aac -b:a 128k -movflags +faststart \
      "$gen/generated-720p-30s.mp4"
    ffmpeg -v error -nostdin -y -f lavfi -i sine=frequency=440:sample_rate=44100 -ac 2 -t 35 -c:a pcm_s16le "$gen/generated-35s.wav"
    ffmpeg -v error -nostdin -y -f lavfi -i sine=frequency=440:sample_rate=44100 -ac 2 -t 120 -c:a libmp3lame -b:a 128k \
      "$gen/generated-120s.mp3"
  fi
  for ((c = 1; c <= copies; c++)); do
    cp "$gen"/* "$folder/copy$c/"
    for ((k = 1; k <= 5; k++)); do
      mkdir -p "$folder/copy$c/more$k"
      for f in "$root"/testdata/valid/* "$root"/testdata/real-world/*; do
        if [[ -f "$f" ]]; then cp "$f" "$folder/copy$c/more$k/"; fi
      done
    done
  done
}

# bench_corpus_describe FOLDER: "N files, N kB" of a corpus folder.
bench_corpus_describe() {
  echo "$(find "$1" -type f | wc -l) files, $(($(du -sb "$1" | cut -f1) / 1000)) kB"
}
