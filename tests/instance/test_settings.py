from instance import settings


def write(tmp_path, text):
    path = tmp_path / "settings.env"
    path.write_text(text)
    return path


def test_file_values_and_references(tmp_path):
    path = write(tmp_path, "# comment\nA_PORT=8080\n\nA_URL=http://localhost:${A_PORT}/x\n")
    assert settings.load(path, environ={}) == {
        "A_PORT": "8080", "A_URL": "http://localhost:8080/x"}


def test_environment_overrides_and_feeds_references(tmp_path):
    path = write(tmp_path, "A_PORT=8080\nA_URL=http://localhost:${A_PORT}\n")
    values = settings.load(path, environ={"A_PORT": "9000"})
    assert values == {"A_PORT": "9000", "A_URL": "http://localhost:9000"}


def test_bad_line_names_the_line(tmp_path):
    path = write(tmp_path, "A=1\nnot a setting\n")
    try:
        settings.load(path, environ={})
    except ValueError as error:
        assert ":2:" in str(error) and "not a setting" in str(error)
    else:
        raise AssertionError("a malformed line was accepted")


def test_repository_settings_name_the_cdpp(tmp_path):
    values = settings.load(environ={})
    assert values["CDPP_CONTACT_EMAIL"] == "amda@irap.omp.eu"
    assert values["CDPP_SERVER_URL"] == f"http://localhost:{values['CDPP_PORT']}"



def test_installed_copy_reads_the_environment(tmp_path):
    environ = {"CDPP_PORT": "9000", "HOME": "/root"}
    assert settings.load(tmp_path / "absent.env", environ=environ) == {"CDPP_PORT": "9000"}


def test_installed_copy_without_settings_says_so(tmp_path):
    try:
        settings.load(tmp_path / "absent.env", environ={"HOME": "/root"})
    except FileNotFoundError as error:
        assert "CDPP_*" in str(error)
    else:
        raise AssertionError("settings loaded from nowhere")
