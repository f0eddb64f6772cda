"""Elderly-care facility planning on the walking network (养老服务设施步行覆盖与选址)."""

__version__ = "0.1.0"
