# syntax=docker/dockerfile:1
# Build a static binary (pure-Go SQLite, no cgo) and ship it alone.
#
#   docker build -t fakebots --build-arg VERSION=v1.2.3 --build-arg REVISION=$(git rev-parse HEAD) .
#
# Without VERSION the binary calls itself (devel): the build context has no .git.
FROM golang:1.26 AS build
ARG VERSION=""
ARG REVISION=""
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath \
    -ldflags="-s -w -X github.com/fakebots/fakebots/emulator/version.release=${VERSION} -X github.com/fakebots/fakebots/emulator/version.revision=${REVISION}" \
    -o /out/fakebots ./cmd/fakebots

FROM gcr.io/distroless/static-debian12:nonroot
ARG VERSION=""
ARG REVISION=""
LABEL org.opencontainers.image.title="fakebots" \
      org.opencontainers.image.description="A faithful, stateful emulator of the CleverApp, Onebot, Salebot and BotHelp HTTP APIs" \
      org.opencontainers.image.source="https://github.com/fakebots/fakebots" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"
COPY --from=build /out/fakebots /fakebots
ENV FAKEBOTS_ADDR=0.0.0.0:8080
EXPOSE 8080
# HTTPS with FAKEBOTS_TLS=1 (docs/https.md).
ENV FAKEBOTS_TLS_ADDR=0.0.0.0:8443
EXPOSE 8443
# The binary answers about 0.2s after it starts: during the start period it
# is checked every quarter second, so a job waits for it no longer than that
# (an engine older than Docker 25 ignores --start-interval and checks every
# 10s). SIGTERM (docker stop) lets requests finish for --shutdown-timeout,
# 8s, under Docker's 10s before SIGKILL.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --start-interval=250ms --retries=3 CMD ["/fakebots", "health"]
ENTRYPOINT ["/fakebots"]
