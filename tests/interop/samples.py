"""Sample images as other tools write them (each in its documented format), made here with
Pillow: the metadata is what matters, the pixels are a few noisy bytes."""

from __future__ import annotations

import io
import json
from pathlib import Path

from interophelpers import image_bytes
from PIL import Image, PngImagePlugin

A1111_PARAMETERS = (
    "a lighthouse on a cliff, golden hour\n"
    "Negative prompt: blurry, lowres\n"
    "Steps: 30, Sampler: DPM++ 2M Karras, CFG scale: 7, Seed: 1234567890, Size: 768x512, "
    'Model hash: 6ce0161689, Model: v1-5-pruned-emaonly, Lora hashes: "a: 1, b: 2", Version: v1.10.1'
)

FORGE_FLUX_PARAMETERS = (
    "a koi pond from above\n"
    "Steps: 20, Sampler: Euler, Schedule type: Simple, CFG scale: 1, Distilled CFG Scale: 3.5, "
    "Seed: 42, Size: 1024x1024, Model: flux1-dev-bnb-nf4-v2, Version: f2.0.1v1.10.1"
)

# ComfyUI's API-format graph, as its SaveImage node writes it into the "prompt" text chunk
# (the default SD workflow; the positive text reaches KSampler through a link).
COMFYUI_PROMPT = {
    "3": {
        "class_type": "KSampler",
        "inputs": {
            "seed": 156680208700286,
            "steps": 20,
            "cfg": 8.0,
            "sampler_name": "euler_ancestral",
            "scheduler": "normal",
            "denoise": 1.0,
            "model": ["4", 0],
            "positive": ["6", 0],
            "negative": ["7", 0],
            "latent_image": ["5", 0],
        },
    },
    "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "v1-5-pruned-emaonly.safetensors"}},
    "5": {"class_type": "EmptyLatentImage", "inputs": {"width": 512, "height": 512, "batch_size": 1}},
    "6": {
        "class_type": "CLIPTextEncode",
        "inputs": {"text": "beautiful scenery nature glass bottle landscape", "clip": ["4", 1]},
    },
    "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "text, watermark", "clip": ["4", 1]}},
    "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
    "9": {"class_type": "SaveImage", "inputs": {"filename_prefix": "ComfyUI", "images": ["8", 0]}},
}

# A ComfyUI FLUX graph: SamplerCustomAdvanced with RandomNoise, BasicScheduler, FluxGuidance.
COMFYUI_FLUX_PROMPT = {
    "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a cat wearing a hat", "clip": ["11", 0]}},
    "8": {"class_type": "VAEDecode", "inputs": {"samples": ["13", 0], "vae": ["10", 0]}},
    "12": {"class_type": "UNETLoader", "inputs": {"unet_name": "flux1-dev.safetensors"}},
    "13": {
        "class_type": "SamplerCustomAdvanced",
        "inputs": {"noise": ["25", 0], "guider": ["22", 0], "sigmas": ["17", 0], "latent_image": ["27", 0]},
    },
    "17": {
        "class_type": "BasicScheduler",
        "inputs": {"scheduler": "simple", "steps": 25, "model": ["12", 0]},
    },
    "22": {"class_type": "BasicGuider", "inputs": {"model": ["12", 0], "conditioning": ["26", 0]}},
    "25": {"class_type": "RandomNoise", "inputs": {"noise_seed": 219670278747233}},
    "26": {"class_type": "FluxGuidance", "inputs": {"guidance": 3.5, "conditioning": ["6", 0]}},
    "27": {"class_type": "EmptySD3LatentImage", "inputs": {"width": 1024, "height": 768, "batch_size": 1}},
}

# InvokeAI 3.x/4.x core metadata ("invokeai_metadata" text chunk).
INVOKEAI_METADATA = {
    "generation_mode": "txt2img",
    "positive_prompt": "a watercolor fox in the forest",
    "negative_prompt": "photo",
    "width": 1024,
    "height": 1024,
    "seed": 3155939370,
    "rand_device": "cpu",
    "cfg_scale": 4.5,
    "steps": 30,
    "scheduler": "dpmpp_3m_k",
    "model": {"key": "abc", "hash": "blake3:1", "name": "Juggernaut XL v9", "base": "sdxl", "type": "main"},
}

FOOOCUS_PARAMETERS = {
    "adm_guidance": "(1.5, 0.8, 0.3)",
    "base_model": "juggernautXL_v8Rundiffusion.safetensors",
    "base_model_hash": "aeb7e9e689",
    "guidance_scale": 4,
    "negative_prompt": "",
    "performance": "Speed",
    "prompt": "a red bicycle leaning on a wall",
    "resolution": "(1152, 896)",
    "sampler": "dpmpp_2m_sde_gpu",
    "scheduler": "karras",
    "seed": "8230597377813016016",
    "sharpness": 2,
    "steps": 30,
    "styles": "['Fooocus V2']",
    "version": "Fooocus v2.5.5",
}


def png_with_text(path: Path, texts: dict[str, str], size: tuple[int, int] = (64, 48)) -> Path:
    """A PNG with these text chunks, written by Pillow as the tools themselves do."""
    info = PngImagePlugin.PngInfo()
    for key, value in texts.items():
        info.add_text(key, value)
    with Image.open(io.BytesIO(image_bytes("png", size))) as im:
        im.save(path, "PNG", pnginfo=info)
    return path


def jpeg_with_user_comment(path: Path, text: str, size: tuple[int, int] = (64, 48)) -> Path:
    """A JPEG as A1111 saves one (piexif: Exif UserComment = b"UNICODE\\0" + UTF-16BE)."""
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9286] = b"UNICODE\x00" + text.encode("utf-16-be")
    with Image.open(io.BytesIO(image_bytes("jpeg", size))) as im:
        im.save(path, "JPEG", exif=exif.tobytes(), quality=90)
    return path


def a1111_png(path: Path) -> Path:
    return png_with_text(path, {"parameters": A1111_PARAMETERS})


def comfyui_png(path: Path, graph: dict[str, object] | None = None) -> Path:
    graph = COMFYUI_PROMPT if graph is None else graph
    workflow = {"last_node_id": 9, "nodes": [{"id": 3, "type": "KSampler"}]}
    return png_with_text(path, {"prompt": json.dumps(graph), "workflow": json.dumps(workflow)})


def invokeai_png(path: Path) -> Path:
    return png_with_text(path, {"invokeai_metadata": json.dumps(INVOKEAI_METADATA)})


def fooocus_png(path: Path) -> Path:
    return png_with_text(path, {"parameters": json.dumps(FOOOCUS_PARAMETERS), "fooocus_scheme": "fooocus"})
