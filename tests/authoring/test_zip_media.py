"""Images in a course zip are cleaned exactly like web uploads: re-encoded, no metadata."""

from __future__ import annotations

import io
import zipfile

import pytest
from PIL import ExifTags, Image
from sqlalchemy import select

from elearn.extensions import db
from elearn.models import CourseMedia
from tests.learning.access import FIXTURES


@pytest.fixture
def trainer(app, client, make_user, login):
    from elearn.authoring.services import import_courses

    with app.app_context():
        import_courses(FIXTURES)
    user_id = make_user("trainer")
    login(user_id)
    return user_id


def photo_with_gps() -> bytes:
    """A phone photo: camera make and the GPS position where it was taken, in EXIF."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SecretCamera"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (45.0, 28.0, 1.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (9.0, 11.0, 2.5)
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(buffer, "JPEG", exif=exif)
    data = buffer.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    return data


def zip_with(client, media: dict[str, bytes]) -> bytes:
    """The fixture course as the editor exports it, plus `media` files."""
    exported = client.get("/editor/prova/esporta.zip").data
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(exported)) as source, zipfile.ZipFile(buffer, "w") as target:
        for name in source.namelist():
            target.writestr(name, source.read(name))
        for name, data in media.items():
            target.writestr(f"prova/{name}", data)
    return buffer.getvalue()


def upload(client, data: bytes):
    return client.post(
        "/editor/importa",
        data={"file": (io.BytesIO(data), "prova.zip")},
        content_type="multipart/form-data",
    )


def stored(app, name: str) -> bytes:
    with app.app_context():
        return db.session.scalar(select(CourseMedia.data).where(CourseMedia.filename == name))


def test_a_photo_in_a_zip_loses_its_gps_position_and_camera(app, client, trainer) -> None:
    response = upload(client, zip_with(client, {"media/foto.jpg": photo_with_gps()}))
    assert response.status_code == 302
    data = stored(app, "foto.jpg")
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG" and image.size == (40, 30)
    assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert b"SecretCamera" not in data and b"Exif" not in data
    served = client.get("/corsi/prova/media/foto.jpg")
    assert served.data == data and served.mimetype == "image/jpeg"


def test_an_image_keeps_its_name_and_is_written_in_the_format_it_claims(app, client, trainer):
    """Module texts name the files: `media/grafico.png` holding a JPEG keeps its name, as PNG."""
    response = upload(client, zip_with(client, {"media/grafico.png": photo_with_gps()}))
    assert response.status_code == 302
    assert Image.open(io.BytesIO(stored(app, "grafico.png"))).format == "PNG"


def test_a_file_posing_as_an_image_in_a_zip_is_refused_with_its_name(app, client, trainer):
    html = b"<html><script>alert(1)</script></html>"
    response = upload(client, zip_with(client, {"media/pagina.png": html}))
    assert response.status_code == 422
    assert "media/pagina.png: questa non è un’immagine PNG, JPEG, GIF o WebP." in (
        response.get_data(as_text=True)
    )
    assert stored(app, "pagina.png") is None


def test_images_appended_with_a_payload_lose_it(app, client, trainer):
    payload = b"PK\x03\x04<script>hidden</script>"
    response = upload(client, zip_with(client, {"media/foto.jpg": photo_with_gps() + payload}))
    assert response.status_code == 302
    assert b"hidden" not in stored(app, "foto.jpg")


def test_exporting_and_importing_again_keeps_the_cleaned_image_byte_for_byte(
    app, client, trainer
) -> None:
    upload(client, zip_with(client, {"media/foto.jpg": photo_with_gps()}))
    first = stored(app, "foto.jpg")
    again = client.get("/editor/prova/esporta.zip").data
    assert upload(client, again).status_code == 302
    assert stored(app, "foto.jpg") == first  # not encoded twice (no quality lost)


def test_png_text_and_gif_comments_are_dropped_and_animation_kept() -> None:
    from PIL import PngImagePlugin

    from elearn.authoring.media import clean_course_media

    text = PngImagePlugin.PngInfo()
    text.add_text("Author", "Maria Rossi, via Roma 1")
    png = io.BytesIO()
    Image.new("RGBA", (8, 8), (0, 0, 255, 128)).save(png, "PNG", pnginfo=text)
    gif = io.BytesIO()
    frames = [Image.new("RGB", (8, 8), c) for c in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    frames[0].save(gif, "GIF", save_all=True, append_images=frames[1:], comment=b"Maria Rossi")
    assert b"Maria Rossi" in png.getvalue() and b"Maria Rossi" in gif.getvalue()
    assert Image.open(io.BytesIO(gif.getvalue())).n_frames == 3
    files, problems = clean_course_media(
        {"media/a.png": png.getvalue(), "media/b.gif": gif.getvalue(), "01-x.md": b"Maria Rossi"}
    )
    assert problems == {}
    assert b"Maria Rossi" not in files["media/a.png"] + files["media/b.gif"]
    assert files["01-x.md"] == b"Maria Rossi"  # only images are touched
    assert Image.open(io.BytesIO(files["media/a.png"])).mode == "RGBA"
    assert Image.open(io.BytesIO(files["media/b.gif"])).n_frames == 3
