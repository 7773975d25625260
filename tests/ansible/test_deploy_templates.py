"""The ansible roles against the repository files they share with `make serve`:
the DaCHS templates of instance/templates and the settings of settings.env."""

import re
from pathlib import Path

import jinja2
import jinja2.meta
import yaml

from instance import settings

REPO = Path(__file__).resolve().parents[2]
ROLES = REPO / "ansible" / "roles"
TEMPLATES = REPO / "instance" / "templates"


def dachs_tasks():
    """Returns the task list of the cdpp_dachs role."""
    return yaml.safe_load((ROLES / "cdpp_dachs" / "tasks" / "main.yml").read_text())


def template_task(dest_suffix):
    """Returns the cdpp_dachs task that renders the shared template whose
    destination ends with dest_suffix."""
    for task in dachs_tasks():
        spec = task.get("ansible.builtin.template", {})
        if spec.get("dest", "").endswith(dest_suffix):
            return task
    raise AssertionError(f"no template task writes {dest_suffix}")


def test_role_renders_the_shared_templates_with_every_variable_they_use():
    env = jinja2.Environment()
    for name, dest in [("gavo.rc.j2", "cdpp_dachs_settings_path }}"),
                       ("defaultmeta.txt.j2", "/etc/defaultmeta.txt")]:
        task = template_task(dest)
        assert task["ansible.builtin.template"]["src"].endswith("/" + name)
        used = jinja2.meta.find_undeclared_variables(
            env.parse((TEMPLATES / name).read_text()))
        missing = used - set(task["vars"])
        assert not missing, f"{name} uses {sorted(missing)}, which the role does not pass"


def test_settings_the_role_reads_exist_in_settings_env():
    text = (ROLES / "cdpp_dachs" / "tasks" / "main.yml").read_text()
    wanted = set(re.findall(r"cdpp_dachs_site\.(CDPP_[A-Z0-9_]+)", text))
    defined = {name for name, _ in settings.parse((REPO / "settings.env").read_text(encoding="utf-8"))}
    assert wanted, "the role reads no setting"
    assert wanted <= defined, f"missing in settings.env: {sorted(wanted - defined)}"


def test_every_database_password_is_documented_and_read_from_the_environment():
    group_vars = yaml.safe_load((REPO / "ansible" / "group_vars" / "all.yml").read_text())
    readme = (REPO / "ansible" / "README.md").read_text()
    passwords = {k: v for k, v in group_vars.items() if k.endswith("_password")}
    assert set(passwords) == {f"cdpp_db_{r}_password"
                              for r in ("dachsroot", "gavoadmin", "gavo", "untrusted")}
    for name, value in passwords.items():
        env_name = name.upper()
        assert f"'{env_name}'" in value, f"{name} is not read from ${env_name}"
        assert env_name in readme and name in readme


def role_defaults(role):
    """Returns the defaults of an ansible role as a dict."""
    return yaml.safe_load((ROLES / role / "defaults" / "main.yml").read_text())


def test_role_seeds_the_vocabularies_the_bring_up_seeds():
    from instance import dachs
    defaults = role_defaults("cdpp_dachs")
    seeds = {v["url"]: "vocabularies/" + v["seed"] for v in defaults["cdpp_dachs_vocabularies"]}
    assert seeds == dachs.VOCABULARY_SEEDS
    for seed in seeds.values():
        assert (REPO / "instance" / seed).is_file()


def test_role_expects_the_system_records_the_bring_up_publishes():
    from instance import dachs
    defaults = role_defaults("cdpp_app")
    authority = "example.authority"
    expected = {ivoid.replace("{{ cdpp_app_authority }}", authority)
                for ivoid in defaults["cdpp_app_system_ivoids"]}
    assert expected == dachs.system_ivoids({"CDPP_AUTHORITY": authority})


def test_vocabulary_cache_names_are_the_ones_dachs_reads():
    from gavo import utils
    for vocabulary in role_defaults("cdpp_dachs")["cdpp_dachs_vocabularies"]:
        url = vocabulary["url"]
        assert url.replace("/", "=2F") == utils.defuseFileName(url)


def test_nginx_role_gives_the_shared_routes_every_variable_they_use():
    site = (ROLES / "cdpp_nginx" / "templates" / "cdpp-epntap.conf.j2").read_text()
    env = jinja2.Environment()
    for name in ("nginx-upstreams.conf.j2", "nginx-locations.conf.j2"):
        lookup = site.split(f"'/{name}',", 1)[1].split(")", 1)[0]
        given = set(re.findall(r"'(\w+)':", lookup))
        used = jinja2.meta.find_undeclared_variables(env.parse((TEMPLATES / name).read_text()))
        assert used <= given, f"{name} uses {sorted(used - given)}, which the role does not pass"
    # make serve's nginx includes the same files.
    own = (TEMPLATES / "nginx.conf.j2").read_text()
    assert '{% include "nginx-upstreams.conf.j2" %}' in own
    assert '{% include "nginx-locations.conf.j2" %}' in own
