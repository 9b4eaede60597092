"""Streamlit helpers shared by the pages: session context, labels, form plumbing, pickers."""
