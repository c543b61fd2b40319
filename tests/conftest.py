"""Shared fixtures: a small model trained on a slice of the bundled corpus (fast, deterministic)."""

from __future__ import annotations

import pandas as pd
import pytest

import jobclass


@pytest.fixture(scope="session")
def corpus() -> pd.DataFrame:
    return jobclass.load_postings()


@pytest.fixture(scope="session")
def small_corpus(corpus: pd.DataFrame) -> pd.DataFrame:
    """40 postings per class, always the same ones."""
    return corpus.groupby("label").head(40).reset_index(drop=True)


@pytest.fixture(scope="session")
def small_model(small_corpus: pd.DataFrame):
    model = jobclass.JobClassifier(random_state=0)
    return model.fit(small_corpus["description"].tolist(), small_corpus["label"].tolist())


ML_POSTING = """Machine Learning Engineer, Marketplace Ranking
You will build and run the production ranking and recommendation systems behind our search results.
Own feature pipelines in Spark and Airflow, a Feast feature store, XGBoost and LightGBM ranking models,
model serving on Kubernetes with Docker, MLflow experiment tracking, drift monitoring and A/B tests.
Requirements: Python, SQL, scikit-learn, AWS SageMaker, CI/CD, 4+ years shipping ML systems in production."""

DL_POSTING = """Deep Learning Engineer, Perception
Design, train and optimise convolutional and transformer networks for object detection, segmentation and
tracking on camera and lidar data. Write PyTorch training code, run distributed training on GPU clusters,
quantise models and deploy them with TensorRT and ONNX on NVIDIA Jetson. Strong C++ and CUDA required;
experience with OpenCV and point clouds is a plus."""

RESEARCH_POSTING = """Research Scientist, Foundation Models
Join our research lab to invent new architectures and training methods for large models. You will set a
research agenda, form hypotheses, run ablations and publish at NeurIPS, ICML and ICLR. PhD in machine learning,
statistics or a related field, a strong first-author publication record, and deep knowledge of optimization
theory, probability and linear algebra are expected."""

OOS_POSTING = """Senior Data Analyst
Own weekly business reporting for the sales and finance teams. Build Tableau and Power BI dashboards, write
SQL against the data warehouse, run ad hoc analysis, define KPIs with stakeholders, and present insights to
leadership. Advanced Excel and strong storytelling skills required."""
