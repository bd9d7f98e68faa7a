"""The floor: a hello-world Streamlit page, measured in the same run as the app."""
import streamlit as st

st.write("Hello")
