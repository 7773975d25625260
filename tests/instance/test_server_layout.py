"""The layout of the server's processes (instance.server): how many DaCHS
processes, their ports, and the proxy's configuration that routes to them."""

import subprocess

import pytest

from instance import server
from instance.errors import BringUpError


@pytest.fixture
def layout(settings, tmp_path):
    """Settings for two DaCHS processes on 9101 and 9102 behind a proxy on
    9100, with a state directory of their own."""
    return dict(settings, CDPP_PORT="9100", CDPP_DACHS_PORT="9101", CDPP_HAPI_PORT="9099",
        CDPP_DACHS_PROCESSES="2", CDPP_STATE_DIR=str(tmp_path))


def test_dachs_processes_follow_each_other_from_the_first_port(layout):
    dachs = [p for p in server.backends(layout) if p.label.startswith("DaCHS")]
    assert [(p.name, p.port) for p in dachs] == [("dachs-1", 9101), ("dachs-2", 9102)]
    assert [p.env["CDPP_DACHS_SERVE_PORT"] for p in dachs] == ["9101", "9102"]
    assert all(p.argv[1:] == ("serve", "start", "--foreground") for p in dachs)


@pytest.mark.parametrize("value, expected", [("3", 3), (" 1 ", 1)])
def test_number_of_dachs_processes_is_the_setting(layout, value, expected):
    assert server.dachs_count(dict(layout, CDPP_DACHS_PROCESSES=value)) == expected


def test_empty_number_of_dachs_processes_is_one_per_cpu_core(layout, monkeypatch):
    monkeypatch.setattr(server.os, "cpu_count", lambda: 6)
    assert server.dachs_count(dict(layout, CDPP_DACHS_PROCESSES="")) == 6


@pytest.mark.parametrize("value", ["0", "two", "-1"])
def test_bad_number_of_dachs_processes_is_refused_with_what_to_do(layout, value):
    with pytest.raises(BringUpError) as error:
        server.dachs_count(dict(layout, CDPP_DACHS_PROCESSES=value))
    assert f"CDPP_DACHS_PROCESSES={value!r}" in str(error.value)
    assert "empty for one per CPU core" in str(error.value)


def test_proxy_and_dachs_on_one_port_is_refused_before_anything_starts(layout, tmp_path):
    with pytest.raises(BringUpError) as error:
        server.ensure(dict(layout, CDPP_DACHS_PORT="9100"))
    assert "both listen on port 9100" in str(error.value)
    assert list(tmp_path.iterdir()) == []


def hapi_process(layout):
    return server.Process("hapi", "HAPI", ("python", "-m", "hapi", "serve"), 9099,
        "CDPP_HAPI_PORT", b"hapi", check_path="/hapi/capabilities")


def test_proxy_routes_hapi_to_its_server_and_the_rest_to_every_dachs_process(layout):
    config = server.nginx_config(layout, [*server.backends(layout)[:2], hapi_process(layout)])
    assert "listen 127.0.0.1:9100;" in config
    upstream = config.split("upstream cdpp_dachs {", 1)[1].split("}", 1)[0]
    assert "least_conn;" in upstream
    assert "server 127.0.0.1:9101 " in upstream and "server 127.0.0.1:9102 " in upstream
    assert "server 127.0.0.1:9099;" in config.split("upstream cdpp_hapi {", 1)[1]
    blocks = {}
    for location in ("location = /hapi {", "location /hapi/ {"):
        assert location in config
        blocks[location] = config.split(location, 1)[1].split("}", 1)[0].split()
        assert blocks[location][:2] == ["proxy_pass", "http://cdpp_hapi;"]
    # HAPI's csv and json compressed for the clients that accept it
    assert " ".join(blocks["location /hapi/ {"]).endswith("gzip_types text/csv application/json;")
    assert "proxy_pass http://cdpp_dachs;" in config.split("location / {", 1)[1]
    assert "proxy_buffering off;" in config


def test_proxy_without_hapi_has_no_hapi_route(layout):
    config = server.nginx_config(layout, server.backends(layout)[:2])
    assert "cdpp_hapi" not in config and "/hapi" not in config


@pytest.mark.integration
def test_nginx_accepts_the_configuration(layout, tmp_path):
    path = server.nginx_config_path(layout)
    path.parent.mkdir(parents=True)
    path.write_text(server.nginx_config(layout, [*server.backends(layout)[:2],
        hapi_process(layout)]))
    result = subprocess.run([*server.proxy(layout).argv, "-t"], capture_output=True,
        text=True, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr
