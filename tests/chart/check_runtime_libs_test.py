#!/usr/bin/env python3
"""Tests of check_runtime_libs.py (run: python3 -m unittest check_runtime_libs_test).

A probe binary links the libraries the finished controller will link (cpprest, yaml-cpp, civetweb,
prometheus-cpp, spdlog, fmt, OpenSSL, Boost.System) so the real Dockerfile is checked against
them now, and a Dockerfile missing one of them must fail.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import check_runtime_libs  # noqa: E402

PROBE_LIBS = ["-lcpprest", "-lyaml-cpp", "-lprometheus-cpp-pull", "-lprometheus-cpp-core", "-lcivetweb",
              "-lspdlog", "-lfmt", "-lssl", "-lcrypto", "-lboost_system", "-lz"]


class RuntimeLibsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="runtime-libs-")
        src = os.path.join(cls.tmp, "probe.cc")
        with open(src, "w") as f:
            f.write("int main() { return 0; }\n")
        cls.probe = os.path.join(cls.tmp, "slo-autoscaler")
        cxx = os.environ.get("CXX") or shutil.which("c++") or "g++"
        # --no-as-needed keeps a NEEDED entry for each library although main() uses none of them.
        subprocess.run([cxx, src, "-o", cls.probe, "-Wl,--no-as-needed", *PROBE_LIBS], check=True)
        with open(os.path.join(ROOT, "Dockerfile"), encoding="utf-8") as f:
            cls.dockerfile_text = f.read()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def write_dockerfile(self, text):
        path = os.path.join(self.tmp, "Dockerfile.test")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def test_real_dockerfile_installs_every_library_of_the_full_controller(self):
        self.assertEqual(check_runtime_libs.check(self.probe, os.path.join(ROOT, "Dockerfile")), [])

    def test_missing_runtime_package_is_reported_by_name(self):
        text = re.sub(r"^\s*libyaml-cpp0\.7 \\\n", "", self.dockerfile_text, flags=re.M)
        self.assertNotEqual(text, self.dockerfile_text)
        problems = check_runtime_libs.check(self.probe, self.write_dockerfile(text))
        self.assertEqual(len(problems), 1, problems)
        self.assertIn("libyaml-cpp.so.0.7: linked directly; its package libyaml-cpp0.7 is not on", problems[0])

    def test_root_user_and_dev_packages_are_rejected(self):
        text = self.dockerfile_text.replace("USER 65532:65532", "USER root")
        text = text.replace("libfmt9 \\", "libfmt-dev \\")
        problems = check_runtime_libs.check(self.probe, self.write_dockerfile(text))
        self.assertIn("runtime stage: must run as USER 65532", problems)
        self.assertIn("runtime stage: installs a -dev package", problems)
        self.assertTrue(any(p.startswith("libfmt.so.9: linked directly") for p in problems), problems)

    def test_library_path_maps_to_package_across_merged_usr(self):
        # libc6 registers /lib/..., libstdc++6 registers /usr/lib/...; ldd may print either form.
        self.assertEqual(check_runtime_libs.package_of("/usr/lib/x86_64-linux-gnu/libc.so.6"), "libc6")
        self.assertEqual(check_runtime_libs.package_of("/lib/x86_64-linux-gnu/libstdc++.so.6"), "libstdc++6")


if __name__ == "__main__":
    unittest.main()
