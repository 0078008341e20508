# A small image around the static sfn binary (scripts/build-static.sh builds it first):
#   scripts/build-static.sh && docker build -t sfn .
#   docker run --rm -p 8083:8083 sfn serve --host 0.0.0.0 --access-key ID:SECRET
FROM debian:bookworm-slim
COPY .build/static/sfn /usr/local/bin/sfn
ENTRYPOINT ["/usr/local/bin/sfn"]
CMD ["--help"]
