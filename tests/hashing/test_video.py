"""vPDQ: frame sampling, likeness across re-encoding and clipping, comparison, and hostile videos.

Every video is generated here (`suraksha.synthetic.videos`: pans across benign generated scenes).
"""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from suraksha.errors import FormatError, HostileInputError
from suraksha.hashing import video
from suraksha.hashing.pdq import PdqHash, hamming
from suraksha.hashing.video import (
    DEMUXERS,
    FrameHash,
    compare,
    distances,
    parse_lines,
    video_hash,
)
from suraksha.synthetic.videos import reencode, write_video


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """An 8-second original, its re-encoded copy, a 4-second clip of it, and another video."""
    folder = tmp_path_factory.mktemp("videos")
    original = write_video(folder / "original.mp4", seed=1, seconds=8).path
    return {
        "original": original,
        "copy": reencode(original, folder / "copy.mp4", width=480, codec="mpeg4", fps=10).path,
        "clip": reencode(original, folder / "clip.mp4", codec="libx264", max_seconds=4).path,
        "other": write_video(folder / "other.mp4", seed=2, seconds=8).path,
    }


def test_one_frame_a_second_is_hashed_with_its_time(clips: dict[str, Path]) -> None:
    hashed = video_hash(clips["original"], "video/mp4")

    assert hashed is not None
    assert [f.seconds for f in hashed.frames] == [float(s) for s in range(8)]
    assert [f.frame for f in hashed.frames] == [s * 12 for s in range(8)]  # 12 frames a second
    assert (hashed.width, hashed.height, hashed.codec) == (640, 360, "h264")
    assert hashed.duration == pytest.approx(8.0, abs=0.1)
    assert not hashed.truncated
    assert all(f.pdq.quality >= 50 for f in hashed.frames)  # generated scenes are detailed


def test_hashing_is_deterministic(clips: dict[str, Path]) -> None:
    assert video_hash(clips["original"], "video/mp4") == video_hash(clips["original"], "video/mp4")


def test_a_reencoded_copy_matches_frame_by_frame(clips: dict[str, Path]) -> None:
    original = video_hash(clips["original"], "video/mp4")
    copy = video_hash(clips["copy"], "video/mp4")
    assert original is not None and copy is not None
    assert copy.codec == "mpeg4" and copy.width == 480

    same_second = [hamming(a.pdq, b.pdq) for a, b in zip(original.frames, copy.frames, strict=True)]
    assert max(same_second) <= 20, same_second
    result = compare(copy.usable(), original.usable())
    assert result.query_percent == result.target_percent == 100.0
    assert result.is_match


def test_a_clip_matches_all_of_itself_and_part_of_the_original(clips: dict[str, Path]) -> None:
    original = video_hash(clips["original"], "video/mp4")
    clip = video_hash(clips["clip"], "video/mp4")
    assert original is not None and clip is not None
    assert len(clip.frames) == 4

    result = compare(clip.usable(), original.usable())

    assert result.query_percent == 100.0
    assert result.target_percent == 50.0
    assert result.is_match  # a clip cut from known material is known material


def test_unrelated_videos_do_not_match(clips: dict[str, Path]) -> None:
    original = video_hash(clips["original"], "video/mp4")
    other = video_hash(clips["other"], "video/mp4")
    assert original is not None and other is not None

    result = compare(other.usable(), original.usable())

    assert (result.query_percent, result.target_percent) == (0.0, 0.0)
    nearest = distances([f.pdq.hex for f in other.frames], [f.pdq.hex for f in original.frames])
    assert nearest.min() > 60


def test_usable_frames_drop_low_quality_and_repeats() -> None:
    good, flat = "f" * 64, "0" * 63 + "1"
    frames = (
        FrameHash(0, 0.0, PdqHash(good, 90)),
        FrameHash(12, 1.0, PdqHash(good, 91)),  # a still shot: the same hash again
        FrameHash(24, 2.0, PdqHash(flat, 10)),  # a black frame
    )
    hashed = video.VideoHash(frames, 3.0, 640, 360, "h264")
    assert hashed.usable() == [frames[0]]


def test_empty_sides_compare_as_no_match() -> None:
    frame = FrameHash(0, 0.0, PdqHash("a" * 64, 90))
    assert compare([], [frame]) == video.Comparison(0.0, 0.0, 0, 1)
    assert not compare([frame], []).is_match


def test_distances_agree_with_hamming() -> None:
    rng = np.random.default_rng(5)
    left = [bytes(rng.integers(0, 256, 32, dtype=np.uint8)).hex() for _ in range(5)]
    right = [bytes(rng.integers(0, 256, 32, dtype=np.uint8)).hex() for _ in range(3)]
    expected = [[hamming(a, b) for b in right] for a in left]
    assert distances(left, right).tolist() == expected


def test_a_truncated_video_is_a_format_error(clips: dict[str, Path], tmp_path: Path) -> None:
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(clips["original"].read_bytes()[:4000])
    with pytest.raises(FormatError, match="FFmpeg cannot decode this video/mp4 video"):
        video_hash(cut, "video/mp4")


def test_only_listed_containers_are_opened(clips: dict[str, Path]) -> None:
    # A playlist or concat demuxer would open other files or the network: none is ever chosen.
    assert not {"hls", "concat", "dash", "rtsp", "sdp", "image2"} & set(DEMUXERS.values())
    assert video_hash(clips["original"], "application/vnd.apple.mpegurl") is None
    assert video_hash(clips["original"], "video/unknown-format") is None


def test_a_playlist_dressed_as_mp4_is_not_followed(tmp_path: Path) -> None:
    secret = tmp_path / "secret.mp4"
    write_video(secret, seed=9, seconds=1)
    playlist = tmp_path / "movie.mp4"
    playlist.write_text(
        f"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nfile://{secret}\n"
        "#EXTINF:10,\nhttp://192.0.2.1/stream.ts\n#EXT-X-ENDLIST\n",
        encoding="utf-8",
    )
    with pytest.raises(FormatError):
        video_hash(playlist, "video/mp4")  # read as MP4 (what its type says), never as HLS


def test_a_file_without_a_video_stream_has_no_vpdq(tmp_path: Path) -> None:
    sound = tmp_path / "voice-note.mp4"
    with av.open(str(sound), "w", format="mp4") as container:
        stream = container.add_stream("aac", rate=16000)
        samples = np.zeros((1, 1024), dtype=np.float32)
        for i in range(20):
            frame = av.AudioFrame.from_ndarray(samples, format="fltp", layout="mono")
            frame.sample_rate, frame.pts = 16000, i * 1024
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    assert video_hash(sound, "video/mp4") is None


def test_oversized_frames_are_refused_as_hostile(
    clips: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Lowering the bound stands in for an 8K+ stream: generating one would take minutes.
    monkeypatch.setattr(video, "MAX_FRAME_PIXELS", 640 * 360 - 1)
    with pytest.raises(HostileInputError, match="640 × 360"):
        video_hash(clips["original"], "video/mp4")


def test_long_videos_are_hashed_up_to_the_bound(
    clips: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(video, "MAX_HASHED_SECONDS", 3)
    hashed = video_hash(clips["original"], "video/mp4")
    assert hashed is not None and hashed.truncated
    assert [f.seconds for f in hashed.frames] == [0.0, 1.0, 2.0]


_HEX = st.text("0123456789abcdef", min_size=64, max_size=64)
_FRAMES = st.builds(
    FrameHash,
    st.integers(0, 10**8),
    st.integers(0, 10**9).map(lambda ms: ms / 1000),
    st.builds(PdqHash, _HEX, st.integers(0, 100)),
)


@given(st.lists(_FRAMES, max_size=20))
def test_the_text_form_round_trips(frames: list[FrameHash]) -> None:
    lines = [frame.as_line() for frame in frames]
    assert parse_lines(["# a comment", "", *lines]) == frames
    assert [FrameHash.from_json(frame.as_json()) for frame in frames] == frames


@given(st.text(max_size=200))
def test_parsing_any_text_gives_frames_or_a_format_error(text: str) -> None:
    try:
        parsed = parse_lines(text.splitlines())
    except FormatError as err:
        assert "vPDQ line" in str(err)
    else:
        assert all(len(frame.pdq.hex) == 64 for frame in parsed)


def test_frames_and_hashes_agree_with_metas_vpdq(clips: dict[str, Path], tmp_path: Path) -> None:
    vpdq = pytest.importorskip(
        "vpdq", reason="Meta's vpdq is built by scripts/install when FFmpeg's headers are available"
    )
    small = reencode(clips["original"], tmp_path / "small.mp4", width=480, codec="libx264")
    for path in (clips["original"], small.path):
        ours = video_hash(path, "video/mp4")
        theirs = vpdq.computeHash(str(path), seconds_per_hash=1)
        assert ours is not None
        assert [f.frame for f in ours.frames] == [f.frame_number for f in theirs]
        assert [f.seconds for f in ours.frames] == [round(f.timestamp, 3) for f in theirs]
        gaps = [hamming(a.pdq.hex, b.hex) for a, b in zip(ours.frames, theirs, strict=True)]
        if small.width <= 512 and path == small.path:
            # No downscale: the same frame through the same PDQ gives the same hash.
            assert gaps == [0] * len(gaps)
        else:
            # Meta hashes the full frame; Suraksha the canonical ≤ 512 px one (as for pictures).
            assert max(gaps) <= 10, gaps
        assert all(
            abs(a.pdq.quality - b.quality) <= 3 for a, b in zip(ours.frames, theirs, strict=True)
        )
