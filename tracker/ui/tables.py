"""Tables that show their whole page of rows: Streamlit's default box shows ten and scrolls inside
the page, cutting a 50-row page short."""

ROW_PIXELS = 35
HEADER_PIXELS = 38


def full_height(rows: int) -> int:
    """The height (px) at which a st.dataframe shows ``rows`` rows without an inner scrollbar."""
    return HEADER_PIXELS + ROW_PIXELS * max(rows, 1) + 3
