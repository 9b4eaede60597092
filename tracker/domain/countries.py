"""Countries where data is processed or stored (ISO 3166-1 alpha-2), with names for the UI.

A curated list of the countries Japanese entrustees commonly use; extend it here as needed."""

from __future__ import annotations

COUNTRIES: dict[str, tuple[str, str]] = {
    "JP": ("日本", "Japan"),
    "US": ("アメリカ合衆国", "United States"),
    "SG": ("シンガポール", "Singapore"),
    "KR": ("韓国", "South Korea"),
    "CN": ("中国", "China"),
    "TW": ("台湾", "Taiwan"),
    "HK": ("香港", "Hong Kong"),
    "VN": ("ベトナム", "Viet Nam"),
    "PH": ("フィリピン", "Philippines"),
    "TH": ("タイ", "Thailand"),
    "MY": ("マレーシア", "Malaysia"),
    "ID": ("インドネシア", "Indonesia"),
    "IN": ("インド", "India"),
    "AU": ("オーストラリア", "Australia"),
    "NZ": ("ニュージーランド", "New Zealand"),
    "GB": ("イギリス", "United Kingdom"),
    "IE": ("アイルランド", "Ireland"),
    "DE": ("ドイツ", "Germany"),
    "FR": ("フランス", "France"),
    "NL": ("オランダ", "Netherlands"),
    "SE": ("スウェーデン", "Sweden"),
    "FI": ("フィンランド", "Finland"),
    "CH": ("スイス", "Switzerland"),
    "CA": ("カナダ", "Canada"),
    "BR": ("ブラジル", "Brazil"),
    "MX": ("メキシコ", "Mexico"),
    "IL": ("イスラエル", "Israel"),
    "AE": ("アラブ首長国連邦", "United Arab Emirates"),
}


def is_known(code: str) -> bool:
    return code in COUNTRIES


def name(code: str, lang: str) -> str:
    names = COUNTRIES.get(code)
    if names is None:
        return code
    return names[0] if lang == "ja" else names[1]


def normalise(text: str) -> str | None:
    """The code of a country written as its code or its name (日本, Japan, jp), else None."""
    wanted = text.strip().casefold()
    for code, (ja, en) in COUNTRIES.items():
        if wanted in (code.casefold(), ja.casefold(), en.casefold()):
            return code
    return None
