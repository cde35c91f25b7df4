# Build: a static binary with cgo (the SQL guard links libpg_query).
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN go build -trimpath -ldflags "-s -w" -o /out/conoscenza ./cmd/conoscenza

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /nonexistent --shell /usr/sbin/nologin conoscenza
COPY --from=build /out/conoscenza /usr/local/bin/conoscenza
USER conoscenza
EXPOSE 8080
ENV CONOSCENZA_ADDR=0.0.0.0:8080
ENTRYPOINT []
CMD ["conoscenza", "serve"]
