"""The Streamlit app's state, edits and downloads; ``app.py`` holds the widgets only."""
