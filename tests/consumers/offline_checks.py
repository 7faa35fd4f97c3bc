#!/usr/bin/env python3
"""The offline checks of the ESP-IDF, PlatformIO and Zephyr files, which
cannot be tried with those tools here (none of them is installed).

    offline_checks.py ROOT kconfig idf|zephyr
        The Kconfig parses with kconfiglib without a warning; it has one
        option per configuration macro of the header (ODEUS_AUTH_MBEDTLS
        too), each with the header's default, type and range; a value out
        of range is refused. For Zephyr it is read the way Zephyr reads a
        module's Kconfig (inside the menu zephyr_module.py writes), next to
        stand-ins of the Zephyr symbols the transport depends on.
    offline_checks.py ROOT config-cmake idf|zephyr OUT [NAME=VALUE...]
        Writes the CONFIG_* variables the build system would give CMake for
        that configuration (IDF's sdkconfig.cmake, Zephyr's .config), after
        setting each NAME to VALUE through kconfiglib (so ranges apply).
    offline_checks.py ROOT idf-manifest | platformio | zephyr-module
        idf_component.yml, library.json, zephyr/module.yml: valid YAML/JSON,
        the fields and value rules of each registry's schema, the files
        they name present, and the header's version.
    offline_checks.py ROOT versions
        Prints the version each file carries (they must all agree).

Prints what it checked and exits 0, or prints each failure and exits 1.
"""
import json
import os
import re
import sys

FAILURES = []


def fail(msg):
    FAILURES.append(msg)
    print("FAIL: " + msg)


def expect(cond, msg):
    if not cond:
        fail(msg)
    return cond


# ---- the header ---------------------------------------------------------------

def header_text(root):
    with open(os.path.join(root, "odeus_auth.h"), encoding="utf-8") as f:
        return f.read()


def header_version(root):
    m = re.search(r'^#define ODEUS_AUTH_VERSION_STRING "([0-9]+\.[0-9]+\.[0-9]+)"$',
                  header_text(root), re.M)
    if not m:
        sys.exit("no ODEUS_AUTH_VERSION_STRING in odeus_auth.h")
    return m.group(1)


# Macros of the configuration block that are not build options: how the
# functions are declared, and a switch being removed from the header.
NOT_OPTIONS = {"ODEUS_API", "ODEUS_AUTH_STATIC", "ODEUS_OPTIMIZE_SIZE"}


def header_options(root):
    """{macro: (kind, default)} for every configuration macro of the header's
    documented block, from its #ifndef default; kind is int or string."""
    text = header_text(root)
    start = text.index("configuration macros (defaults in parentheses)")
    end = text.index("No macro changes the layout", start)
    names = re.findall(r"^ \* (ODEUS_[A-Z0-9_]+)", text[start:end], re.M)
    options = {}
    for name in names:
        if name in NOT_OPTIONS:
            continue
        m = re.search(r"^#ifndef %s\n#define %s (.+)$" % (name, name), text, re.M)
        if not expect(m, "odeus_auth.h: no #ifndef default for %s" % name):
            continue
        value = m.group(1).strip()
        if value.startswith('"'):
            options[name] = ("string", value.strip('"'))
        else:
            options[name] = ("int", str(int(value.rstrip("uUlL"), 0)))
    return options


def header_depth_range(root):
    m = re.search(r"#if ODEUS_JSON_MAX_DEPTH < (\d+) \|\| ODEUS_JSON_MAX_DEPTH > (\d+)",
                  header_text(root))
    return (m.group(1), m.group(2)) if m else None


# ---- Kconfig --------------------------------------------------------------------

# What Zephyr gives a module's Kconfig: the menu zephyr_module.py writes
# around it, inside a tree that defines the symbols the transport needs.
ZEPHYR_STUB = '''mainmenu "Zephyr stand-in"
config MBEDTLS
\tbool "mbedTLS"
config NET_SOCKETS
\tbool "BSD sockets"
config POSIX_API
\tbool "POSIX API"
menu "odeus_auth ({root})"
osource "{kconfig}"
config ZEPHYR_ODEUS_AUTH_MODULE
\tbool
\tdefault y
endmenu
'''


def load_kconfig(root, flavor, scratch):
    import kconfiglib
    if flavor == "idf":
        path = os.path.join(root, "Kconfig")
    else:
        os.makedirs(scratch, exist_ok=True)
        path = os.path.join(scratch, "Kconfig.zephyr-stub")
        with open(path, "w", encoding="utf-8") as f:
            f.write(ZEPHYR_STUB.format(root=root, kconfig=os.path.join(root, "zephyr", "Kconfig")))
    kconf = kconfiglib.Kconfig(path, warn_to_stderr=False)
    return kconfiglib, kconf


def check_kconfig(root, flavor, scratch):
    kconfiglib, kconf = load_kconfig(root, flavor, scratch)
    expect(not kconf.warnings, "%s Kconfig: kconfiglib warns: %s" % (flavor, kconf.warnings))
    syms = kconf.syms
    if flavor == "zephyr":
        expect("ODEUS_AUTH" in syms and syms["ODEUS_AUTH"].type == kconfiglib.BOOL,
               "zephyr/Kconfig: no bool ODEUS_AUTH")
        expect(syms["ODEUS_AUTH"].str_value == "n", "zephyr/Kconfig: ODEUS_AUTH is on by default")
        syms["ODEUS_AUTH"].set_value("y")
    options = header_options(root)
    expected = dict(options)
    expected["ODEUS_AUTH_MBEDTLS"] = ("bool", "n")
    ours = {n for n in syms if n.startswith("ODEUS_") and n != "ODEUS_AUTH"}
    expect(ours == set(expected), "%s Kconfig: options %s, the header's %s"
           % (flavor, sorted(ours), sorted(expected)))
    for name, (kind, default) in sorted(expected.items()):
        if name not in syms:
            continue
        sym = syms[name]
        want_type = {"int": kconfiglib.INT, "string": kconfiglib.STRING,
                     "bool": kconfiglib.BOOL}[kind]
        expect(sym.type == want_type, "%s: %s is %s, not %s"
               % (flavor, name, kconfiglib.TYPE_TO_STR[sym.type], kind))
        expect(sym.str_value == default, "%s: %s defaults to %r, the header to %r"
               % (flavor, name, sym.str_value, default))
        expect(sym.nodes and sym.nodes[0].prompt, "%s: %s has no prompt" % (flavor, name))
        expect(sym.nodes and sym.nodes[0].help, "%s: %s has no help" % (flavor, name))
        print("%s: %s %s default %s" % (flavor, name, kind, default or '""'))
    depth = syms.get("ODEUS_JSON_MAX_DEPTH")
    if depth is not None:
        ranges = [(lo.str_value, hi.str_value) for lo, hi, _ in depth.ranges]
        expect(ranges == [header_depth_range(root)], "%s: ODEUS_JSON_MAX_DEPTH range %s, the header's %s"
               % (flavor, ranges, header_depth_range(root)))
        for bad in ("0", "65"):
            depth.set_value(bad)
            expect(depth.str_value == "32", "%s: ODEUS_JSON_MAX_DEPTH took %s" % (flavor, bad))
        depth.set_value("12")
        expect(depth.str_value == "12", "%s: ODEUS_JSON_MAX_DEPTH refused 12" % flavor)
        print("%s: ODEUS_JSON_MAX_DEPTH refuses 0 and 65, takes 12" % flavor)
    transport = syms.get("ODEUS_AUTH_MBEDTLS")
    if transport is not None:
        transport.set_value("y")
        if flavor == "zephyr":
            expect(transport.str_value == "n",
                   "zephyr: ODEUS_AUTH_MBEDTLS was set without MBEDTLS, NET_SOCKETS, POSIX_API")
            for dep in ("MBEDTLS", "NET_SOCKETS", "POSIX_API"):
                syms[dep].set_value("y")
            transport.set_value("y")
            print("zephyr: ODEUS_AUTH_MBEDTLS needs MBEDTLS, NET_SOCKETS and POSIX_API")
        expect(transport.str_value == "y", "%s: ODEUS_AUTH_MBEDTLS cannot be set" % flavor)
    if flavor == "zephyr":
        syms["ODEUS_AUTH"].set_value("n")
        expect(all(not syms[n].visibility for n in expected if n in syms),
               "zephyr: options visible with ODEUS_AUTH=n")
        print("zephyr: the options show only with ODEUS_AUTH=y")


def config_cmake(root, flavor, out, settings, scratch):
    """The CONFIG_* variables as CMake gets them from IDF's sdkconfig.cmake or
    from Zephyr's .config: bools "y" or "", strings without their quotes."""
    kconfiglib, kconf = load_kconfig(root, flavor, scratch)
    for item in settings:
        name, value = item.split("=", 1)
        if not kconf.syms[name].set_value(value) or kconf.syms[name].str_value != value:
            sys.exit("config-cmake: %s=%s not taken (%s)" % (name, value, kconf.warnings))
    lines = []
    for name in sorted(kconf.syms):
        sym = kconf.syms[name]
        if sym.type == kconfiglib.UNKNOWN or not name.startswith(("ODEUS_", "MBEDTLS", "NET_", "POSIX")):
            continue
        value = sym.str_value
        if sym.type == kconfiglib.BOOL:
            value = "y" if value == "y" else ""
        lines.append('set(CONFIG_%s "%s")' % (name, value.replace("\\", "\\\\").replace('"', '\\"')))
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


# ---- manifests --------------------------------------------------------------------

def load_yaml(path):
    import yaml
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


SPDX_SEEN = {"MIT"}   # the license in LICENSE; the registries check SPDX ids


def check_idf_manifest(root):
    path = os.path.join(root, "idf_component.yml")
    data = load_yaml(path)
    expect(isinstance(data, dict), "idf_component.yml is not a mapping")
    known = {"version", "description", "url", "repository", "repository_info", "documentation",
             "issues", "discussion", "license", "maintainers", "tags", "files", "examples",
             "targets", "dependencies"}
    expect(set(data) <= known, "idf_component.yml: unknown keys %s" % sorted(set(data) - known))
    # Required to upload: version; warned about when missing: description.
    expect(data.get("version") == header_version(root),
           "idf_component.yml: version %r, the header's %s" % (data.get("version"), header_version(root)))
    expect(isinstance(data.get("description"), str) and data["description"].strip(),
           "idf_component.yml: no description")
    expect(data.get("license") in SPDX_SEEN, "idf_component.yml: license %r" % data.get("license"))
    expect(os.path.isfile(os.path.join(root, "LICENSE")), "no LICENSE beside idf_component.yml")
    tags = data.get("tags", [])
    expect(isinstance(tags, list) and all(isinstance(t, str) and re.match(r"^[a-z0-9_-]+$", t) for t in tags),
           "idf_component.yml: tags %r" % tags)
    deps = data.get("dependencies", {})
    expect(isinstance(deps, dict) and isinstance(deps.get("idf"), (str, dict)),
           "idf_component.yml: no dependency on idf")
    idf = deps.get("idf")
    spec = idf.get("version") if isinstance(idf, dict) else idf
    expect(isinstance(spec, str) and re.match(r"^>=\s*\d+\.\d+", spec or ""),
           "idf_component.yml: idf version %r" % spec)
    files = data.get("files", {})
    expect(isinstance(files, dict) and set(files) <= {"use_gitignore", "include", "exclude"},
           "idf_component.yml: files %r" % files)
    # The archive must keep what the component builds from.
    import fnmatch
    excluded = files.get("exclude", []) if isinstance(files, dict) else []
    for needed in ("CMakeLists.txt", "Kconfig", "odeus_auth.h", "cmake/odeus_auth.c",
                   "cmake/esp-idf.cmake", "LICENSE"):
        expect(os.path.isfile(os.path.join(root, needed)), "component file %s missing" % needed)
        expect(not any(fnmatch.fnmatch(needed, pat) or needed.startswith(pat.rstrip("*/") + "/")
                       for pat in excluded), "idf_component.yml excludes %s" % needed)
    print("idf_component.yml: version %s, license %s, idf %s, %d tags, %d excluded patterns"
          % (data.get("version"), data.get("license"), spec, len(tags), len(excluded)))


def check_platformio(root):
    path = os.path.join(root, "library.json")
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    # platformio/package/manifest/schema.py: name and version required, the
    # rest typed and patterned as below.
    name = data.get("name")
    expect(isinstance(name, str) and 1 <= len(name) <= 100 and re.match(r"^[^:;/,@<>]+$", name),
           "library.json: name %r" % name)
    version = data.get("version")
    expect(version == header_version(root),
           "library.json: version %r, the header's %s" % (version, header_version(root)))
    expect(isinstance(version, str) and "." in version and
           re.match(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$", version),
           "library.json: version %r is not semantic" % version)
    desc = data.get("description")
    expect(isinstance(desc, str) and 1 <= len(desc) <= 1000, "library.json: description")
    expect(data.get("license") in SPDX_SEEN, "library.json: license %r" % data.get("license"))
    for key in ("keywords", "platforms", "frameworks", "headers"):
        value = data.get(key, [])
        expect(isinstance(value, list) and all(isinstance(v, str) for v in value),
               "library.json: %s is not a list of strings" % key)
    for kw in data.get("keywords", []):
        expect(1 <= len(kw) <= 50 and re.match(r"^[a-z\d\-_\+\. ]+$", kw), "library.json: keyword %r" % kw)
    for key in ("platforms", "frameworks"):
        for v in data.get(key, []):
            expect(re.match(r"^([a-z\d\-_]+|\*)$", v), "library.json: %s %r" % (key, v))
    for h in data.get("headers", []):
        expect(os.path.isfile(os.path.join(root, h)), "library.json: header %s missing" % h)
    known = {"$schema", "name", "version", "description", "keywords", "homepage", "repository",
             "authors", "license", "frameworks", "platforms", "headers", "examples",
             "dependencies", "export", "scripts", "build"}
    expect(set(data) <= known, "library.json: unknown keys %s" % sorted(set(data) - known))
    build = data.get("build", {})
    build_keys = {"flags", "unflags", "includeDir", "srcDir", "srcFilter", "extraScript",
                  "libArchive", "libLDFMode", "libCompatMode", "builder"}
    expect(isinstance(build, dict) and set(build) <= build_keys,
           "library.json: build keys %s" % sorted(set(build) - build_keys))
    include_dir = os.path.join(root, build.get("includeDir", "include"))
    expect(os.path.isfile(os.path.join(include_dir, "odeus_auth.h")),
           "library.json: includeDir has no odeus_auth.h")
    # The sources PlatformIO compiles: srcDir filtered by srcFilter, as
    # PlatformIO applies it (+<pattern> adds, -<pattern> removes, in order).
    src_dir = os.path.join(root, build.get("srcDir", "src"))
    filt = build.get("srcFilter", ["+<*>"])
    if isinstance(filt, str):
        filt = re.findall(r"[+-]<[^>]*>", filt)
    import fnmatch
    chosen = set()
    for rule in filt:
        m = re.match(r"^([+-])<(.*)>$", rule)
        if not expect(m, "library.json: srcFilter rule %r" % rule):
            continue
        for dirpath, _, files in os.walk(src_dir):
            for fn in files:
                rel = os.path.relpath(os.path.join(dirpath, fn), src_dir)
                if fnmatch.fnmatch(rel, m.group(2)):
                    (chosen.add if m.group(1) == "+" else chosen.discard)(rel)
    sources = sorted(c for c in chosen if c.endswith((".c", ".cpp", ".cc", ".S", ".s")))
    expect(sources == ["odeus_auth.c"], "library.json: compiles %s, not the one odeus_auth.c" % sources)
    export = data.get("export", {})
    inc = export.get("include", [])
    for needed in ("odeus_auth.h", "library.json", "LICENSE", "cmake/odeus_auth.c"):
        expect(any(fnmatch.fnmatch(needed, p) for p in inc), "library.json: export leaves out %s" % needed)
    print("library.json: %s %s, compiles %s/%s, includes %s" % (name, version, build.get("srcDir"),
          sources[0] if sources else "-", build.get("includeDir")))


def check_zephyr_module(root):
    path = os.path.join(root, "zephyr", "module.yml")
    data = load_yaml(path)
    # zephyr/scripts/zephyr_module.py's METADATA_SCHEMA, the part used here.
    expect(isinstance(data, dict), "module.yml is not a mapping")
    expect(set(data) <= {"name", "build", "tests", "samples", "boards", "blobs"},
           "module.yml: unknown keys %s" % sorted(set(data)))
    expect(isinstance(data.get("name"), str) and data["name"] == "odeus_auth", "module.yml: name")
    build = data.get("build", {})
    allowed = {"cmake": str, "kconfig": str, "cmake-ext": bool, "kconfig-ext": bool, "depends": list}
    expect(isinstance(build, dict) and set(build) <= set(allowed), "module.yml: build keys %s" % build)
    for key, kind in allowed.items():
        if key in build:
            expect(isinstance(build[key], kind), "module.yml: build.%s is not %s" % (key, kind.__name__))
    # zephyr_module.py: "cmake" names a folder holding CMakeLists.txt,
    # "kconfig" a file, both relative to the module's root.
    expect(os.path.isfile(os.path.join(root, build.get("cmake", "zephyr"), "CMakeLists.txt")),
           "module.yml: no CMakeLists.txt in %s" % build.get("cmake"))
    expect(os.path.isfile(os.path.join(root, build.get("kconfig", "zephyr/Kconfig"))),
           "module.yml: no Kconfig at %s" % build.get("kconfig"))
    sanitized = re.sub("[^a-zA-Z0-9]", "_", data.get("name", "")).upper()
    print("zephyr/module.yml: name %s (ZEPHYR_%s_MODULE), cmake %s, kconfig %s"
          % (data.get("name"), sanitized, build.get("cmake"), build.get("kconfig")))


def versions(root):
    with open(os.path.join(root, "library.json"), encoding="utf-8") as f:
        pio = json.load(f).get("version")
    idf = load_yaml(os.path.join(root, "idf_component.yml")).get("version")
    print("odeus_auth.h %s" % header_version(root))
    print("library.json %s" % pio)
    print("idf_component.yml %s" % idf)


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    root, what = os.path.abspath(argv[1]), argv[2]
    scratch = os.environ.get("SCRATCH", os.path.join(root, "build", "buildsys"))
    if what == "kconfig":
        check_kconfig(root, argv[3], scratch)
    elif what == "config-cmake":
        config_cmake(root, argv[3], argv[4], argv[5:], scratch)
    elif what == "idf-manifest":
        check_idf_manifest(root)
    elif what == "platformio":
        check_platformio(root)
    elif what == "zephyr-module":
        check_zephyr_module(root)
    elif what == "versions":
        versions(root)
    else:
        sys.exit(__doc__)
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
