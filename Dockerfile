# syntax=docker/dockerfile:1
# Preflight: `preflight serve` (HTTP API), `preflight worker` (queue stage) and `preflight check`.
#
# .NET 10 ships no Debian images, but Preflight is built and tested against *Debian's* ffmpeg 5.1
# (its behaviour on hostile files is what SECURITY.md reproduced). So the runtime stage is
# debian:bookworm-slim with Debian's ffmpeg, and the ASP.NET Core runtime is copied in.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, in its own layer, so source edits don't re-download packages.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/Preflight.Core/Preflight.Core.csproj src/Preflight.Core/
COPY src/Preflight.Staging/Preflight.Staging.csproj src/Preflight.Staging/
COPY src/Preflight.Hosting/Preflight.Hosting.csproj src/Preflight.Hosting/
COPY src/Preflight.Worker/Preflight.Worker.csproj src/Preflight.Worker/
COPY src/Preflight.Api/Preflight.Api.csproj src/Preflight.Api/
COPY src/Preflight.Cli/Preflight.Cli.csproj src/Preflight.Cli/
# ReadyToRun for the target architecture: precompiled code instead of JIT at start (docs/benchmarks.md, issue 9).
# Not Native AOT, which ./preflight builds for short CLI runs on the machine it runs on: the image runs long-lived
# `serve`/`worker` processes (start-up is paid once; tiered JIT then optimises the hot paths) on CPUs the build
# machine cannot know. TARGETARCH is amd64 or arm64.
ARG TARGETARCH
RUN dotnet restore src/Preflight.Cli/Preflight.Cli.csproj -a "$TARGETARCH" -p:PublishReadyToRun=true
COPY src/ src/
RUN dotnet publish src/Preflight.Cli/Preflight.Cli.csproj -c Release -a "$TARGETARCH" --self-contained false \
      -p:PublishReadyToRun=true --no-restore -o /app --nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS dotnet-runtime

FROM debian:bookworm-slim AS runtime
# ffmpeg: ffprobe/ffmpeg for --deep and fallbacks (their memory cap is the wrapper shell's own `ulimit -v`: no prlimit).
# The rest are the .NET runtime's native dependencies (globalization-invariant: no ICU needed).
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      ffmpeg ca-certificates libc6 libgcc-s1 libstdc++6 libssl3 zlib1g tzdata \
 && rm -rf /var/lib/apt/lists/*
COPY --from=dotnet-runtime /usr/share/dotnet /usr/share/dotnet
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet \
 && useradd --system --uid 10001 --create-home --home-dir /home/preflight --shell /usr/sbin/nologin preflight \
 && mkdir -p /data/staged && chown -R preflight:preflight /data
WORKDIR /app
COPY --from=build /app ./
ENV DOTNET_RUNNING_IN_CONTAINER=true \
    DOTNET_NOLOGO=true \
    Preflight__Staging__LocalPath=/data/staged
USER preflight
VOLUME ["/data"]
EXPOSE 8080
ENTRYPOINT ["dotnet", "/app/preflight.dll"]
CMD ["serve", "--urls", "http://0.0.0.0:8080"]
