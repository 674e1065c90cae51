# syntax=docker/dockerfile:1
# Build a static binary (pure-Go SQLite, no cgo) and ship it alone.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/fakebots ./cmd/fakebots

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/fakebots /fakebots
ENV FAKEBOTS_ADDR=0.0.0.0:8080
EXPOSE 8080
# HTTPS with FAKEBOTS_TLS=1 (docs/https.md).
ENV FAKEBOTS_TLS_ADDR=0.0.0.0:8443
EXPOSE 8443
HEALTHCHECK --interval=10s --timeout=3s --start-period=2s --retries=3 CMD ["/fakebots", "health"]
ENTRYPOINT ["/fakebots"]
