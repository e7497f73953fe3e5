"""A run over pages saved in the legacy code pages of their languages: each is
loaded with its own text and language, none as mojibake or as binary."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.pipeline import news_etl
from flows.report.data import load_report_data
from warehouse import Warehouse

pytestmark = pytest.mark.usefixtures("prefect_harness")

KOREAN = (
    "서울시 교통정책과는 다음 달부터 시내버스 노선 열두 개를 새로 조정한다고 월요일 밝혔다.\n\n"
    "시는 출퇴근 시간대 혼잡을 줄이기 위해 배차 간격을 줄이고 심야 노선을 늘리기로 했다. "
    "시민들은 교통카드로 지하철과 버스 사이 환승 할인을 계속 받을 수 있다.\n\n"
    "시 관계자는 역에서 먼 주거 지역 주민들도 늦은 밤까지 버스를 이용할 수 있도록 하겠다고 말했다. "
    "새 시간표는 이달 말까지 각 정류장과 시 홈페이지에 공개될 예정이다.\n"
)
JAPANESE = (
    "横浜市は月曜日、市営バスの路線を来月から見直すと発表した。\n\n"
    "通勤時間帯の混雑を減らすため、運行間隔を短くし、深夜便を増やす。"
    "利用者は交通系ＩＣカードで、地下鉄との乗り継ぎ割引を引き続き受けられる。\n\n"
    "市の担当者は「駅から離れた住宅地でも、夜遅くまでバスを使えるようにしたい」と話した。"
    "新しい時刻表は今月末までに各停留所と市のホームページで公開される予定だ。\n"
)
CHINESE = (
    "臺中市政府交通局星期一表示，下個月起將調整十二條市區公車路線。\n\n"
    "為了減少上下班時段的擁擠，市府將縮短發車間隔，並增加夜間班次。"
    "市民持電子票證搭乘捷運與公車，仍可享有轉乘優惠。\n\n"
    "交通局官員說，希望住在離車站較遠社區的居民，深夜也能搭到公車回家。"
    "新的時刻表預計在本月底前公布於各站牌及市府網站。\n"
)
RUSSIAN = (
    "Городская администрация Казани в понедельник сообщила, что со следующего месяца "
    "изменит двенадцать автобусных маршрутов.\n\n"
    "Чтобы разгрузить транспорт в часы пик, интервалы движения сократят, а ночных рейсов "
    "станет больше. Пассажиры по-прежнему смогут пересаживаться с метро на автобус со "
    "скидкой по транспортной карте.\n"
)
FILES = {
    "seoul-euc-kr.txt": (KOREAN, "euc-kr", "ko"),
    "yokohama-shift-jis.txt": (JAPANESE, "shift_jis", "ja"),
    "yokohama-euc-jp.txt": (JAPANESE, "euc-jp", "ja"),
    "yokohama-iso-2022-jp.txt": (JAPANESE, "iso2022_jp", "ja"),
    "taichung-big5.txt": (CHINESE, "big5", "zh"),
    "kazan-cp1251.txt": (RUSSIAN, "cp1251", "ru"),
    "kazan-koi8-r.txt": (RUSSIAN, "koi8-r", "ru"),
    "kazan-utf-16-le.txt": (RUSSIAN, "utf-16-le", "ru"),
    "yokohama-utf-16-be.txt": (JAPANESE, "utf-16-be", "ja"),
}


def test_legacy_encoded_pages_load_with_their_own_text_and_language(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, (text, encoding, _) in FILES.items():
        (folder / name).write_bytes(text.encode(encoding))
    summary = news_etl(
        inputs=[str(folder)],
        warehouse=str(tmp_path / "wh.duckdb"),
        reports_dir=str(tmp_path / "reports"),
        # The same stories in several encodings are copies, as they should be.
        thresholds={"max_undated_share": 1, "max_quarantine_rate": 1, "max_duplicate_share": 1},
    )
    store = Warehouse(tmp_path / "wh.duckdb")
    rows = store.query("select source_uri, language, title, body from articles").iter_rows()
    loaded = {Path(uri).name: (language, title or "", body) for uri, language, title, body in rows}
    quarantined = store.query("select source_uri, reason_text from quarantine").rows()
    assert not quarantined, quarantined
    for name, (text, _, language) in FILES.items():
        got_language, title, body = loaded[name]
        assert got_language == language, name
        first_line, *_, last_line = text.strip().split("\n")
        assert first_line in title + body, (name, title)  # the headline
        assert last_line in body, (name, body[:80])
    # The run report says which encoding each was read in.
    inputs = load_report_data(store, summary.run_id).inputs
    assert set(inputs["encoding"]) == {
        "euc_kr", "shift_jis", "euc_jp", "iso2022_jp_2", "big5", "cp1251", "koi8_r",
        "utf-16-le", "utf-16-be",
    }  # fmt: skip
    assert inputs["loaded"].sum() == len(FILES)
